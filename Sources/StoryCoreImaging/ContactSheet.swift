/// One picture of a whole storyboard: every panel's image in a grid, in storyboard order, each
/// scaled by area averaging into its cell and labelled with its panel id on a dark strip; a panel
/// without an image is an empty cell showing its status.
public enum ContactSheet {
    /// One cell of the sheet.
    public struct Cell: Sendable, Equatable {
        /// What a cell shows.
        public enum Content: Sendable, Equatable {
            /// The panel's image, scaled to fit the cell (aspect ratio kept, centred).
            case image(RGBImage)
            /// No image: the cell is drawn empty with this status (`failed`, `not_rendered`…) in it.
            case empty(status: String)
        }

        /// The label on the cell's strip (the panel id).
        public var label: String
        /// The image or the status.
        public var content: Content

        /// A cell with the given label and content.
        public init(label: String, content: Content) {
            self.label = label
            self.content = content
        }
    }

    /// The sheet's shape.
    public struct Layout: Sendable, Equatable {
        /// Cells per row (default 4; at least 1).
        public var columns: Int
        /// Total width of the sheet in pixels (default 1600).
        public var width: Int

        /// A layout of the given columns and width (defaults as documented on each property).
        public init(columns: Int = 4, width: Int = 1600) {
            self.columns = columns
            self.width = width
        }
    }

    /// Where everything goes on a sheet; every figure in pixels.
    public struct Geometry: Sendable, Equatable {
        /// Space around and between cells.
        public var gutter: Int
        /// Width of one cell.
        public var cellWidth: Int
        /// Height of a cell's picture area (above the label strip).
        public var pictureHeight: Int
        /// Height of the label strip under the picture area.
        public var labelHeight: Int
        /// Scale of the 5×7 font (1 or more).
        public var fontScale: Int
        /// Columns and rows of cells.
        public var columns: Int
        /// Rows of cells.
        public var rows: Int
        /// The whole sheet's width.
        public var width: Int
        /// The whole sheet's height.
        public var height: Int

        /// The top-left corner of cell `index`'s picture area (cells fill rows left to right).
        public func pictureOrigin(of index: Int) -> (x: Int, y: Int) {
            let column = index % columns
            let row = index / columns
            return (gutter + column * (cellWidth + gutter), gutter + row * (pictureHeight + labelHeight + gutter))
        }

        /// The top-left corner of cell `index`'s label strip.
        public func labelOrigin(of index: Int) -> (x: Int, y: Int) {
            let origin = pictureOrigin(of: index)
            return (origin.x, origin.y + pictureHeight)
        }
    }

    /// Why a sheet cannot be drawn.
    public enum LayoutError: Error, Sendable, Equatable, CustomStringConvertible {
        /// No cells.
        case noCells
        /// Fewer than 1 column.
        case badColumns(Int)
        /// Too narrow for the columns (each cell needs 16 pixels), or wider than 16384.
        case badWidth(width: Int, columns: Int)

        /// One line for people.
        public var description: String {
            switch self {
            case .noCells: return "the contact sheet has no panels"
            case .badColumns(let columns): return "--columns \(columns): needs at least 1"
            case .badWidth(let width, let columns):
                return "--width \(width): needs 16–16384 pixels and at least 16 per column for \(columns) columns"
            }
        }
    }

    /// Colours of the sheet.
    static let background: (UInt8, UInt8, UInt8) = (32, 32, 36)
    static let emptyCell: (UInt8, UInt8, UInt8) = (58, 58, 64)
    static let strip: (UInt8, UInt8, UInt8) = (16, 16, 18)
    static let ink: (UInt8, UInt8, UInt8) = (230, 230, 230)

    /// The geometry of a sheet of `cells` under `layout`: the picture areas take the aspect ratio of
    /// the first image (16:9 when there is none).
    public static func geometry(of cells: [Cell], layout: Layout) throws(LayoutError) -> Geometry {
        guard !cells.isEmpty else { throw .noCells }
        guard layout.columns >= 1 else { throw .badColumns(layout.columns) }
        let columns = min(layout.columns, cells.count)
        guard layout.width >= 16, layout.width <= 16384 else { throw .badWidth(width: layout.width, columns: layout.columns) }
        let gutter = layout.width / columns >= 160 ? 8 : 2
        let cellWidth = (layout.width - gutter * (columns + 1)) / columns
        guard cellWidth >= 12 else { throw .badWidth(width: layout.width, columns: layout.columns) }
        var aspect = 9.0 / 16.0
        for cell in cells {
            if case .image(let image) = cell.content {
                aspect = Double(image.height) / Double(image.width)
                break
            }
        }
        let pictureHeight = max(1, min(4 * cellWidth, Int((Double(cellWidth) * aspect).rounded())))
        let fontScale = cellWidth >= 240 ? 2 : 1
        let labelHeight = BitmapFont.glyphHeight * fontScale + 4 * fontScale
        let rows = (cells.count + columns - 1) / columns
        let height = gutter + rows * (pictureHeight + labelHeight + gutter)
        return Geometry(gutter: gutter, cellWidth: cellWidth, pictureHeight: pictureHeight, labelHeight: labelHeight,
                        fontScale: fontScale, columns: columns, rows: rows, width: layout.width, height: height)
    }

    /// Draws the sheet.
    public static func render(_ cells: [Cell], layout: Layout = Layout()) throws(LayoutError) -> RGBImage {
        let geometry = try geometry(of: cells, layout: layout)
        var canvas = Canvas(width: geometry.width, height: geometry.height, fill: background)
        for (index, cell) in cells.enumerated() {
            let picture = geometry.pictureOrigin(of: index)
            switch cell.content {
            case .image(let image):
                let scale = min(Double(geometry.cellWidth) / Double(image.width), Double(geometry.pictureHeight) / Double(image.height))
                let width = max(1, min(geometry.cellWidth, Int((Double(image.width) * scale).rounded())))
                let height = max(1, min(geometry.pictureHeight, Int((Double(image.height) * scale).rounded())))
                let scaled = AreaScaler.scale(image, width: width, height: height)
                canvas.paste(scaled, x: picture.x + (geometry.cellWidth - width) / 2, y: picture.y + (geometry.pictureHeight - height) / 2)
            case .empty(let status):
                canvas.fill(x: picture.x, y: picture.y, width: geometry.cellWidth, height: geometry.pictureHeight, colour: emptyCell)
                let textWidth = BitmapFont.width(of: status, scale: geometry.fontScale)
                let room = geometry.cellWidth - 4
                let text = BitmapFont.fitting(status, width: room, scale: geometry.fontScale)
                canvas.draw(text: text, x: picture.x + max(2, (geometry.cellWidth - min(textWidth, room)) / 2),
                            y: picture.y + (geometry.pictureHeight - BitmapFont.glyphHeight * geometry.fontScale) / 2,
                            scale: geometry.fontScale, colour: ink)
            }
            let label = geometry.labelOrigin(of: index)
            canvas.fill(x: label.x, y: label.y, width: geometry.cellWidth, height: geometry.labelHeight, colour: strip)
            let text = BitmapFont.fitting(cell.label, width: geometry.cellWidth - 4 * geometry.fontScale, scale: geometry.fontScale)
            canvas.draw(text: text, x: label.x + 2 * geometry.fontScale, y: label.y + 2 * geometry.fontScale,
                        scale: geometry.fontScale, colour: ink)
        }
        return canvas.image
    }
}

import Foundation
import StoryCoreImaging

/// The contact sheet of a project: every panel's current image (the one handed on to StoryCore, see
/// `HandOff.current`) in storyboard order, labelled with its panel id (and version from v2), and an
/// empty cell with the status for a panel that has none: `not rendered`, `pending`, `failed`,
/// `no image` (a version without a still PNG), `missing` (its file is gone) or `unreadable`.
///
/// Reading contacts no server and never creates a ledger.
public struct ProjectContactSheet: Sendable {
    /// A panel whose recorded image could not be used (it is drawn as an empty cell).
    public struct Problem: Sendable, Hashable, CustomStringConvertible {
        /// The panel.
        public var panelID: String
        /// What is wrong, naming the file.
        public var reason: String

        /// One line for people.
        public var description: String { "\(panelID): \(reason)" }
    }

    /// Why a sheet could not be written.
    public enum WriteError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The layout does not fit the panels (bad columns or width).
        case layout(ContactSheet.LayoutError)
        /// The sheet could not be encoded.
        case encoding(ImageError)
        /// The file could not be written.
        case io(path: String, reason: String)

        /// One line for people.
        public var description: String {
            switch self {
            case .layout(let error): return error.description
            case .encoding(let error): return "contact sheet: \(error)"
            case .io(let path, let reason): return "\(path): cannot write the contact sheet (\(reason))"
            }
        }
    }

    /// The cells in storyboard order.
    public var cells: [ContactSheet.Cell]
    /// Panels whose image was recorded but could not be read.
    public var problems: [Problem]

    /// The default place of a project's sheet: `outputs/contact_sheet.png`.
    public static func defaultURL(for project: Project) -> URL {
        project.outputsDirectory.appendingPathComponent("contact_sheet.png")
    }

    /// Gathers the cells of `project` from its run ledger, decoding each current image.
    public static func load(_ project: Project) async throws(LedgerError) -> ProjectContactSheet {
        let ledgerPath = project.outputsDirectory.appendingPathComponent(".comfybridge/\(Ledger.fileName)").path
        var records: [String: PanelRecord] = [:]
        if FileManager.default.fileExists(atPath: ledgerPath) {
            let ledger = try Ledger(path: ledgerPath)
            for record in try await ledger.panels() { records[record.panelID] = record }
        }
        var cells: [ContactSheet.Cell] = []
        var problems: [Problem] = []
        for panel in project.panels {
            guard let record = records[panel.id] else {
                cells.append(.init(label: panel.id, content: .empty(status: "not rendered")))
                continue
            }
            guard let current = HandOff.current(record) else {
                let status: String
                switch record.state {
                case .failed: status = "failed"
                case .planned, .submitted: status = "pending"
                case .completed: status = "no image"
                }
                cells.append(.init(label: panel.id, content: .empty(status: status)))
                continue
            }
            let label = current.version > 1 ? "\(panel.id) v\(current.version)" : panel.id
            guard let file = HandOff.image(in: current.files) else {
                cells.append(.init(label: label, content: .empty(status: "no image")))
                continue
            }
            let url = project.directory.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: url.path) else {
                problems.append(Problem(panelID: panel.id, reason: "\(file.path) is missing"))
                cells.append(.init(label: label, content: .empty(status: "missing")))
                continue
            }
            do {
                cells.append(.init(label: label, content: .image(try PNGCodec.decode(contentsOf: url))))
            } catch {
                problems.append(Problem(panelID: panel.id, reason: error.description))
                cells.append(.init(label: label, content: .empty(status: "unreadable")))
            }
        }
        return ProjectContactSheet(cells: cells, problems: problems)
    }

    /// Draws the sheet under `layout` and writes it as a PNG to `url` atomically (creating its
    /// folder); returns the image.
    @discardableResult
    public func write(to url: URL, layout: ContactSheet.Layout) throws(WriteError) -> RGBImage {
        let image: RGBImage
        let data: Data
        do {
            image = try ContactSheet.render(cells, layout: layout)
        } catch {
            throw .layout(error)
        }
        do {
            data = try PNGCodec.encode(image)
        } catch {
            throw .encoding(error)
        }
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try AtomicFile.replace([UInt8](data), to: url)
        } catch {
            throw .io(path: url.path, reason: String(describing: error))
        }
        return image
    }
}

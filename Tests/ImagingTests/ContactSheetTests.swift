import Foundation
@testable import StoryCoreImaging
import Testing

@Suite struct ContactSheetTests {
    /// A 320×180 gradient with structure, as a rendered panel might be.
    static func panel(seed: Int) throws -> RGBImage {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(320 * 180 * 3)
        for y in 0..<180 {
            for x in 0..<320 {
                pixels.append(UInt8((x * 255 / 319 + seed * 40) % 256))
                pixels.append(UInt8(y * 255 / 179))
                pixels.append(UInt8(((x / 10 + y / 10) % 2) * 200 + seed))
            }
        }
        return try RGBImage(width: 320, height: 180, pixels: pixels)
    }

    static func average(_ image: RGBImage, x: Int, y: Int, width: Int, height: Int) -> [Double] {
        var sums = [0.0, 0.0, 0.0]
        for row in y..<(y + height) {
            for column in x..<(x + width) {
                let pixel = image.pixel(x: column, y: row)!
                sums[0] += Double(pixel.red)
                sums[1] += Double(pixel.green)
                sums[2] += Double(pixel.blue)
            }
        }
        return sums.map { $0 / Double(width * height) }
    }

    @Test func sheetSizeFollowsColumnsWidthAndCellCount() throws {
        let cells = try (0..<5).map { ContactSheet.Cell(label: "panel_0\($0 + 1)", content: .image(try Self.panel(seed: $0))) }
        let layout = ContactSheet.Layout(columns: 2, width: 640)
        let sheet = try ContactSheet.render(cells, layout: layout)
        let geometry = try ContactSheet.geometry(of: cells, layout: layout)
        #expect(sheet.width == 640)
        #expect(geometry.rows == 3)
        #expect(sheet.height == geometry.gutter + 3 * (geometry.pictureHeight + geometry.labelHeight + geometry.gutter))
        #expect(geometry.cellWidth == (640 - 3 * geometry.gutter) / 2)
        // 16:9 panels: the picture area keeps their aspect ratio.
        #expect(abs(Double(geometry.pictureHeight) / Double(geometry.cellWidth) - 180.0 / 320.0) < 0.01)
    }

    @Test func cellAverageColourEqualsTheSourcesAverage() throws {
        let source = try Self.panel(seed: 3)
        let cells = [ContactSheet.Cell(label: "panel_01", content: .image(source))]
        let layout = ContactSheet.Layout(columns: 1, width: 150)
        let sheet = try ContactSheet.render(cells, layout: layout)
        let geometry = try ContactSheet.geometry(of: cells, layout: layout)
        let origin = geometry.pictureOrigin(of: 0)
        let expected = Self.average(source, x: 0, y: 0, width: 320, height: 180)
        let got = Self.average(sheet, x: origin.x, y: origin.y, width: geometry.cellWidth, height: geometry.pictureHeight)
        for channel in 0..<3 { #expect(abs(got[channel] - expected[channel]) < 0.75, "channel \(channel): \(got) vs \(expected)") }
    }

    @Test func scalingAveragesAreasInsteadOfPickingPixels() throws {
        // A one-pixel black/white checkerboard reduced by 3.5: nearest neighbour would give pure
        // black or white pixels; area averaging gives mid grey everywhere.
        var pixels: [UInt8] = []
        for y in 0..<70 { for x in 0..<70 { pixels += Array(repeating: (x + y) % 2 == 0 ? 255 : 0, count: 3) } }
        let scaled = AreaScaler.scale(try RGBImage(width: 70, height: 70, pixels: pixels), width: 20, height: 20)
        #expect(scaled.pixels.allSatisfy { $0 >= 110 && $0 <= 145 })
    }

    @Test func emptyCellShowsItsStatusAndTheLabelStripIsPresent() throws {
        let cells = [
            ContactSheet.Cell(label: "panel_01", content: .image(try Self.panel(seed: 1))),
            ContactSheet.Cell(label: "panel_02", content: .empty(status: "failed")),
        ]
        let layout = ContactSheet.Layout(columns: 2, width: 500)
        let sheet = try ContactSheet.render(cells, layout: layout)
        let geometry = try ContactSheet.geometry(of: cells, layout: layout)
        let empty = geometry.pictureOrigin(of: 1)
        var colours: [String: Int] = [:]
        for y in empty.y..<(empty.y + geometry.pictureHeight) {
            for x in empty.x..<(empty.x + geometry.cellWidth) {
                let pixel = sheet.pixel(x: x, y: y)!
                colours["\(pixel.red),\(pixel.green),\(pixel.blue)", default: 0] += 1
            }
        }
        // Only the empty-cell grey and the ink of the word "failed" (6 glyphs of at most 5 × 8 dots).
        #expect(colours.keys.sorted() == ["230,230,230", "58,58,64"])
        let ink = colours["230,230,230"] ?? 0
        #expect(ink > 30 && ink <= 6 * 40 * geometry.fontScale * geometry.fontScale)
        for index in 0..<2 {
            let strip = geometry.labelOrigin(of: index)
            var inkDots = 0
            var stripDots = 0
            for y in strip.y..<(strip.y + geometry.labelHeight) {
                for x in strip.x..<(strip.x + geometry.cellWidth) {
                    let pixel = sheet.pixel(x: x, y: y)!
                    if pixel == (230, 230, 230) { inkDots += 1 }
                    if pixel == (16, 16, 18) { stripDots += 1 }
                }
            }
            #expect(inkDots > 40, "label of cell \(index) not drawn")
            #expect(inkDots + stripDots == geometry.labelHeight * geometry.cellWidth)
        }
    }

    @Test func labelTooLongForItsCellIsShortened() {
        let text = BitmapFont.fitting("panel_with_a_very_long_identifier", width: 60, scale: 1)
        #expect(BitmapFont.width(of: text, scale: 1) <= 60)
        #expect(text.hasSuffix("."))
        #expect(BitmapFont.glyph(for: "é") == BitmapFont.glyph(for: "?"))
    }

    @Test func everyLabelCharacterHasAGlyph() {
        let characters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.:/ "
        for character in characters { #expect(BitmapFont.glyphs[character] != nil, "no glyph for \(character)") }
        #expect(Set(characters.compactMap { BitmapFont.glyphs[$0] }.map { $0.description }).count == characters.count)
    }

    @Test func impossibleLayoutsAreRefused() throws {
        let cell = ContactSheet.Cell(label: "p", content: .empty(status: "missing"))
        #expect(throws: ContactSheet.LayoutError.noCells) { try ContactSheet.render([], layout: .init()) }
        #expect(throws: ContactSheet.LayoutError.badColumns(0)) { try ContactSheet.render([cell], layout: .init(columns: 0)) }
        #expect(throws: ContactSheet.LayoutError.self) { try ContactSheet.render([cell, cell, cell], layout: .init(columns: 3, width: 20)) }
        #expect(throws: ContactSheet.LayoutError.self) { try ContactSheet.render([cell], layout: .init(width: 100_000)) }
    }

    @Test func sheetOfOnlyEmptyCellsUsesSixteenByNine() throws {
        let cells = [ContactSheet.Cell(label: "panel_01", content: .empty(status: "not_rendered"))]
        let geometry = try ContactSheet.geometry(of: cells, layout: .init(columns: 4, width: 400))
        #expect(geometry.columns == 1)
        #expect(abs(Double(geometry.pictureHeight) / Double(geometry.cellWidth) - 9.0 / 16.0) < 0.01)
    }
}

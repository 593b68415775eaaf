import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import StoryCoreImaging
import Testing

/// `comfybridge sheet`, run as a user runs it on a project rendered by the emulator.
@Suite("sheet: the contact sheet of a project")
struct SheetCommandTests {
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

    @Test func drawsRenderedPanelsAndEmptyCellsInStoryboardOrder() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let render = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                                                 "--shot", "shot_05", "--json"], in: project)
        await emulator.stop()
        #expect(render.status == 0, "stderr: \(render.stderr)")

        let result = try await ChildProcess.run(["sheet", project.path, "--columns", "3", "--width", "600", "--json"], in: project)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let summary = try JSONValue.parse(Array(result.stdout.utf8))
        let sheetURL = project.appendingPathComponent("outputs/contact_sheet.png")
        #expect(summary["path"]?.stringValue == sheetURL.path)
        #expect(summary["panels"] == 9 && summary["empty"] == 7, "\(result.stdout)")
        let sheet = try PNGCodec.decode(contentsOf: sheetURL)
        #expect(sheet.width == 600)

        // The same cells as the command drew: panels in project order, images where rendered.
        let listing = try JSONValue.parse(Array(try await ChildProcess.run(["panels", project.path, "--json"], in: project).stdout.utf8))
        let panels = try #require(listing["panels"]?.arrayValue)
        var cells: [ContactSheet.Cell] = []
        var sources: [Int: RGBImage] = [:]
        for (index, panel) in panels.enumerated() {
            let id = panel["panel_id"]?.stringValue ?? ""
            if let path = panel["files"]?[0]?["path"]?.stringValue {
                let image = try PNGCodec.decode(contentsOf: project.appendingPathComponent(path))
                sources[index] = image
                cells.append(.init(label: id, content: .image(image)))
            } else {
                cells.append(.init(label: id, content: .empty(status: "not rendered")))
            }
        }
        #expect(sources.count == 2)
        let geometry = try ContactSheet.geometry(of: cells, layout: .init(columns: 3, width: 600))
        #expect(sheet.height == geometry.height)
        for (index, source) in sources {
            // The picture is fitted inside its cell (aspect kept): measure the part it covers.
            let scale = min(Double(geometry.cellWidth) / Double(source.width), Double(geometry.pictureHeight) / Double(source.height))
            let width = Int((Double(source.width) * scale).rounded()), height = Int((Double(source.height) * scale).rounded())
            let origin = geometry.pictureOrigin(of: index)
            let got = Self.average(sheet, x: origin.x + (geometry.cellWidth - width) / 2, y: origin.y + (geometry.pictureHeight - height) / 2,
                                   width: width, height: height)
            let expected = Self.average(source, x: 0, y: 0, width: source.width, height: source.height)
            for channel in 0..<3 { #expect(abs(got[channel] - expected[channel]) < 1, "cell \(index): \(got) vs \(expected)") }
        }
        // An empty cell (panel_01, never rendered) is the empty-cell grey with the status in light ink.
        let first = geometry.pictureOrigin(of: 0)
        #expect(sheet.pixel(x: first.x + 1, y: first.y + 1)! == (58, 58, 64))
    }

    @Test func writesWhereOutSays() async throws {
        let project = try Fixtures.demoProjectCopy()
        let target = try Fixtures.temporaryFolder().appendingPathComponent("sheets/review.png")
        let result = try await ChildProcess.run(["sheet", project.path, "--out", target.path], in: project)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == target.path)
        let sheet = try PNGCodec.decode(contentsOf: target)
        #expect(sheet.width == 1600)
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("outputs/contact_sheet.png").path))
    }

    @Test(arguments: [
        (["--columns", "0"], "--columns 0"),
        (["--width", "8"], "--width 8"),
    ])
    func aBadLayoutExitsTwoWithOneLine(flags: [String], message: String) async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["sheet", project.path] + flags, in: project)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
    }

    @Test func aMissingProjectExitsTwo() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try await ChildProcess.run(["sheet", folder.appendingPathComponent("nope").path], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("no such project folder"), "\(result.stderr)")
    }

    @Test func anUnreadableImageIsNamedAndDrawnAsAnEmptyCell() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let render = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                                                 "--panel", "panel_02", "--json"], in: project)
        await emulator.stop()
        #expect(render.status == 0, "stderr: \(render.stderr)")
        let listing = try JSONValue.parse(Array(try await ChildProcess.run(["panels", project.path, "--json"], in: project).stdout.utf8))
        let path = try #require(listing["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" }?["files"]?[0]?["path"]?.stringValue)
        let file = project.appendingPathComponent(path)
        let bytes = try Data(contentsOf: file)
        try bytes.prefix(bytes.count / 2).write(to: file)

        let result = try await ChildProcess.run(["sheet", project.path, "--json"], in: project)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("panel_02") && result.stderr.contains("truncated"), "\(result.stderr)")
        let summary = try JSONValue.parse(Array(result.stdout.utf8))
        #expect(summary["empty"] == 9)
        #expect(summary["problems"]?[0]?["panel_id"] == "panel_02")
    }
}

import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `comfybridge demo` from an empty folder, as a new user runs it.
@Suite("demo renders the bundled project from an empty folder")
struct DemoCommandTests {
    @Test func demoInAnEmptyFolderRendersEveryPanelAndSaysWhereTheyAre() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try await ChildProcess.run(["demo", "--step-ms", "0"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let demo = folder.appendingPathComponent("comfybridge-demo")
        for index in 1...9 {
            let panel = demo.appendingPathComponent("outputs/panel_0\(index)")
            let files = try FileManager.default.contentsOfDirectory(atPath: panel.path).filter { $0.hasSuffix(".png") }
            #expect(!files.isEmpty, "no image for panel_0\(index)")
        }
        let manifest = try JSONValue.parse(Data(contentsOf: demo.appendingPathComponent("outputs/manifest.json")))
        #expect(manifest["totals"]?["completed"]?.intValue == 9)
        let project = try JSONValue.parse(Data(contentsOf: demo.appendingPathComponent("project.json")))
        #expect(project["generation_status"]?["comfyui"]?.stringValue == "done")
        #expect(result.stderr.contains("outputs/manifest.json"), "the demo names the manifest: \(result.stderr)")
        #expect(result.stderr.contains(demo.path), "the demo names its folder: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.last?["event"]?.stringValue == "run_finished")
        #expect(events.last?["completed"]?.intValue == 9)
    }

    @Test func demoWritesExactCopiesOfTheBundledFiles() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try await ChildProcess.run(["demo", "--out", "copy", "--panels", "1", "--step-ms", "0", "--json"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let copy = folder.appendingPathComponent("copy")
        let repository = CLIBinary.repository
        #expect(try Data(contentsOf: copy.appendingPathComponent("storyboard.json"))
                == Data(contentsOf: repository.appendingPathComponent("examples/demo-project/storyboard.json")),
                "embedded storyboard.json drifted from examples/demo-project; run scripts/embed-resources.sh")
        #expect(try Data(contentsOf: copy.appendingPathComponent("workflow.json"))
                == Data(contentsOf: repository.appendingPathComponent("workflows/storycore_sdxl.json")),
                "embedded workflow drifted from workflows/storycore_sdxl.json; run scripts/embed-resources.sh")
        #expect(try Data(contentsOf: copy.appendingPathComponent("project.json.bak"))
                == Data(contentsOf: repository.appendingPathComponent("examples/demo-project/project.json")),
                "embedded project.json drifted from examples/demo-project; run scripts/embed-resources.sh")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.last?["total"]?.intValue == 1)
    }

    @Test func theClosingNextHintFitsTheTerminalWidth() async throws {
        let folder = try Fixtures.temporaryFolder()
        let path = folder.appendingPathComponent("d").standardizedFileURL.path
        let command = "comfybridge render \(path) --fresh --server http://127.0.0.1:8188"
        // Narrow: as narrow as the folder path (the one word that cannot be broken) allows.
        let columns = path.count + 14
        let narrow = try await ChildProcess.run(["demo", "--out", "d", "--panels", "1", "--step-ms", "0"], in: folder,
                                                environment: ["COLUMNS": String(columns)])
        #expect(narrow.status == 0, "stderr: \(narrow.stderr)")
        let lines = narrow.stderr.split(separator: "\n").map(String.init)
        let hint = Array(lines.drop { !$0.hasPrefix("Next:") })
        #expect(hint.first == "Next:     (on a real ComfyUI)", "\(lines)")
        for line in hint { #expect(line.count <= columns, "\(line.count) > \(columns) columns: \(line)") }
        // The wrapped command still pastes into a shell as the same command.
        let pasted = hint.dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }
            .map { $0.hasSuffix(" \\") ? String($0.dropLast(2)) : $0 }.joined(separator: " ")
        #expect(pasted == command)
        #expect(hint.count > 2)
        // Wide: one line.
        let wide = try await ChildProcess.run(["demo", "--out", "d", "--panels", "1", "--step-ms", "0"], in: folder,
                                              environment: ["COLUMNS": "200"])
        #expect(wide.status == 0, "stderr: \(wide.stderr)")
        #expect(wide.stderr.split(separator: "\n").contains { $0 == "Next:     \(command)   (on a real ComfyUI)" }, "\(wide.stderr)")
    }

    @Test func demoRunTwiceResumesAndRendersNothingAgain() async throws {
        let folder = try Fixtures.temporaryFolder()
        let first = try await ChildProcess.run(["demo", "--out", "d", "--panels", "2", "--step-ms", "0", "--json"], in: folder)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        let second = try await ChildProcess.run(["demo", "--out", "d", "--panels", "2", "--step-ms", "0", "--json"], in: folder)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let last = Fixtures.jsonObjects(second.lines).last
        #expect(last?["kept"]?.intValue == 2)
        #expect(last?["rendered"]?.intValue == 0)
    }
}

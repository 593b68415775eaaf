import ComfyAPI
import ComfyChaos
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
import StoryCore

/// Server file names and output folders that try to escape `outputs/`: each is refused with a clear
/// reason, and nothing is ever written outside the project's `outputs/`.
@Suite("Nothing is ever written outside the project's outputs folder")
struct OutputSafetyTests {
    /// A source that streams fixed bytes into the file the store asks for, created exclusively like the real one.
    struct LocalSource: OutputSource {
        let bytes: [UInt8]
        func fetch(_ file: OutputFile, to destination: URL, maxBytes: Int64) async throws -> Int64 {
            guard FileManager.default.createFile(atPath: destination.path, contents: Data(bytes)) else {
                throw CocoaError(.fileWriteUnknown)
            }
            return Int64(bytes.count)
        }
    }

    static let hostileNames: [String] = [
        "../escape.png", "../../../../etc/cron.d/job", "/tmp/reliability-absolute.png", "/etc/passwd", "sub/dir.png",
        "a\\b.png", "nul\u{0}byte.png", "line\nbreak.png", "carriage\rreturn.png", "tab\tname.png", "esc\u{1B}[2J.png",
        "bell\u{7}.png", "del\u{7F}.png", "\u{202E}gnp.exe", "zero\u{200B}width.png", String(repeating: "a", count: 252) + ".png",
        String(repeating: "é", count: 130) + ".png", "..", ".", "", ".hidden.png", "~root.png", "trailing-space.png ",
    ]

    @Test(arguments: hostileNames)
    func aHostileServerFileNameIsRefusedAndNothingIsWritten(name: String) async throws {
        let root = try Fixtures.scratch("names")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = root.appendingPathComponent("project", isDirectory: true)
        try FileManager.default.createDirectory(at: project, withIntermediateDirectories: true)
        let before = Self.listing(root)
        let store = OutputStore(projectDirectory: project)
        do throws(OutputError) {
            _ = try await store.store(OutputFile(nodeID: "9", filename: name, subfolder: "storycore"), panelID: "panel_01",
                                      from: LocalSource(bytes: Array("PNG".utf8)))
            Issue.record("\(name.debugDescription) was accepted")
        } catch {
            guard case .hostileFileName(let panel, _, let reason) = error else { Issue.record("unexpected \(error)"); return }
            #expect(panel == "panel_01")
            #expect(!reason.isEmpty)
            let line = error.description
            #expect(!line.contains("\n") && !line.contains("\u{0}") && !line.contains("\u{1B}"), "\(line.debugDescription)")
            #expect(line.contains("panel_01"))
        }
        let added = Self.listing(root).subtracting(before).filter { !$0.hasPrefix("project/outputs") }
        #expect(added.isEmpty, "written outside outputs/: \(added)")
        #expect(!FileManager.default.fileExists(atPath: "/tmp/reliability-absolute.png"))
    }

    @Test func aSymlinkedOutputsFolderPointingOutsideIsRefusedBeforeAnyWrite() async throws {
        let root = try Fixtures.scratch("symlink")
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = root.appendingPathComponent("outside", isDirectory: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 2)
        try FileManager.default.createSymbolicLink(at: project.directory.appendingPathComponent("outputs"), withDestinationURL: outside)
        let store = OutputStore(projectDirectory: project.directory)
        await #expect(throws: OutputError.self) {
            _ = try await store.store(OutputFile(nodeID: "9", filename: "ok.png"), panelID: "panel_01", from: LocalSource(bytes: [1, 2, 3]))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)

        try await Emulators.with(count: 1) { emulators in
            let renderer = Renderer(project: try Project.load(from: project.directory),
                                    options: await Emulators.options(emulators, workflow: project.workflowFile))
            await #expect(throws: RenderError.self) { _ = try await renderer.run() }
            #expect(await emulators[0].executedPromptCount == 0, "a prompt was submitted although outputs/ is unsafe")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func aSymlinkedPanelFolderOrPlantedFileLinkNeverRedirectsAWrite() async throws {
        let root = try Fixtures.scratch("panel-link")
        defer { try? FileManager.default.removeItem(at: root) }
        let outside = root.appendingPathComponent("outside", isDirectory: true)
        try FileManager.default.createDirectory(at: outside, withIntermediateDirectories: true)
        let target = outside.appendingPathComponent("victim.txt")
        try Data("keep me".utf8).write(to: target)
        let project = root.appendingPathComponent("project", isDirectory: true)
        let outputs = project.appendingPathComponent("outputs", isDirectory: true)
        try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: outputs.appendingPathComponent("panel_01"), withDestinationURL: outside)
        let store = OutputStore(projectDirectory: project)
        await #expect(throws: OutputError.self) {
            _ = try await store.store(OutputFile(nodeID: "9", filename: "victim.txt"), panelID: "panel_01", from: LocalSource(bytes: [1]))
        }
        let panel2 = outputs.appendingPathComponent("panel_02", isDirectory: true)
        try FileManager.default.createDirectory(at: panel2, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: panel2.appendingPathComponent("image.png"), withDestinationURL: target)
        let stored = try await store.store(OutputFile(nodeID: "9", filename: "image.png"), panelID: "panel_02", from: LocalSource(bytes: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(stored.path == "outputs/panel_02/image.png")
        #expect(try String(contentsOf: target, encoding: .utf8) == "keep me")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: outside.path)) == ["victim.txt"])
    }

    static func listing(_ root: URL) -> Set<String> {
        var out: Set<String> = []
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return out }
        while let path = walker.nextObject() as? String { out.insert(path) }
        return out
    }
}

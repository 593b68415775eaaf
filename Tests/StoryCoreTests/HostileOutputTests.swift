import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Files from the server are stored safely")
struct HostileOutputTests {
    @Test func aServerFileNameWithControlCharactersFailsThePanelAndWritesNothing() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_01", "panel_02"]
            options.overrides = [NodeInputOverride(nodeID: "9", input: "filename_prefix", value: "evil\u{1B}[2Jname")]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.failures.count == 2)
            let failure = try #require(summary.failures["panel_01"])
            #expect(failure.kind == .hostileFileName)
            #expect(failure.message.contains("control character"))
            let folder = dir.appendingPathComponent("outputs/panel_01").path
            let written = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            #expect(written.isEmpty, "\(written)")
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?[0]?["error"]?["kind"] == "hostile_file_name")
            #expect(manifest["panels"]?[0]?["files"] == [])
        }
    }

    @Test func downloadsStreamIntoThePanelFolderWithChecksums() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            try await EmulatorSupport.withClient(await emulator.baseURL) { client in
            let template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
            let graph = try ParameterInjector().inject(WorkflowParameters(seed: 7, width: 64, height: 64, batchSize: 2, filenamePrefix: "t/x"), into: template).workflow
            let result = try await client.submit(graph).result()
            let project = try TestSupport.scratch()
            let store = OutputStore(projectDirectory: project)
            var taken = Set<String>()
            var stored: [StoredFile] = []
            for file in result.files {
                let record = try await store.store(file, panelID: "panel_01", from: client, avoiding: taken)
                taken.insert(URL(fileURLWithPath: record.path).lastPathComponent)
                stored.append(record)
            }
            #expect(stored.count == 2)
            for record in stored {
                #expect(store.isIntact(record))
                #expect(record.path.hasPrefix("outputs/panel_01/x_") && record.bytes > 0)
            }
            let again = try await store.store(result.files[0], panelID: "panel_01", from: client, avoiding: taken)
            #expect(again.path.hasSuffix("-2.png") && again.sha256 == stored[0].sha256)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("outputs/panel_01").path)
                .filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty)
            let tooSmall = OutputStore(projectDirectory: project, maxFileBytes: 10)
            await #expect(throws: OutputError.self) { try await tooSmall.store(result.files[0], panelID: "panel_02", from: client) }
            let missing = OutputFile(nodeID: "9", filename: "does_not_exist.png", subfolder: "", type: "output")
            await #expect(throws: OutputError.self) { try await store.store(missing, panelID: "panel_03", from: client) }
            #expect(try FileManager.default.contentsOfDirectory(atPath: project.appendingPathComponent("outputs/panel_03").path).isEmpty)
            }
        }
    }
}

import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("One panel, a chosen few, and a redo as a new version")
struct PanelRedoTests {
    /// The SHA-256 of every file of a manifest entry, in order.
    static func checksums(_ entry: JSONValue?) -> [String] {
        entry?["files"]?.arrayValue?.compactMap { $0["sha256"]?.stringValue } ?? []
    }

    static func entry(_ manifest: JSONValue, _ panelID: String) -> JSONValue? {
        manifest["panels"]?.arrayValue?.first { $0["panel_id"]?.stringValue == panelID }
    }

    static func projectEntry(_ dir: URL, _ panelID: String) throws -> JSONValue? {
        let project = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
        return project["asset_manifest"]?["comfyui_panels"]?.arrayValue?.first { $0["panel_id"]?.stringValue == panelID }
    }

    @Test func onePanelRenderedAloneIsByteIdenticalToTheSamePanelInAWholeRender() async throws {
        // Two separate servers, so the lone render really executes instead of answering from a cache.
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: .instant), EmulatorConfiguration(timing: .instant)]) { emulators in
            let whole = try TestSupport.demoCopy()
            let (all, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: whole),
                                                                     options: EmulatorSupport.options([await emulators[0].baseURL])))
            #expect(all.succeeded)

            let alone = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulators[1].baseURL])
            options.panelSelection = ["panel_07"]
            let (one, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: alone), options: options))
            #expect(one.succeeded && one.total == 1 && one.rendered == 1)
            #expect(try await EmulatorSupport.successfulRenders(on: emulators[1]) == ["panel_07": 1])

            let wholeEntry = Self.entry(try EmulatorSupport.manifest(whole), "panel_07")
            let aloneManifest = try EmulatorSupport.manifest(alone)
            let aloneEntry = Self.entry(aloneManifest, "panel_07")
            #expect(aloneEntry?["seed"] == wholeEntry?["seed"])
            #expect(!Self.checksums(aloneEntry).isEmpty)
            #expect(Self.checksums(aloneEntry) == Self.checksums(wholeEntry))
            for (a, b) in zip(aloneEntry?["files"]?.arrayValue ?? [], wholeEntry?["files"]?.arrayValue ?? []) {
                let left = try OutputStore.sha256(of: alone.appendingPathComponent(try #require(a["path"]?.stringValue)))
                let right = try OutputStore.sha256(of: whole.appendingPathComponent(try #require(b["path"]?.stringValue)))
                #expect(left == right, "the files on disk differ")
            }
            #expect(aloneManifest["panels"]?.arrayValue?.count == 1, "only the selected panel is in the ledger")
            let project = try JSONValue.parse(Data(contentsOf: alone.appendingPathComponent("project.json")))
            #expect(project["generation_status"]?["comfyui"] == "partial", "one panel of nine is not done")
            #expect(project["asset_manifest"]?["comfyui_panels"]?.arrayValue?.count == 1)
        }
    }

    @Test func selectingAShotRendersEveryPanelMappedToItAndKeepsCompletedOnes() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.shotSelection = ["shot_03"]
            let (first, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(first.succeeded && first.total == 2 && first.rendered == 2)
            #expect(try await EmulatorSupport.successfulRenders(on: emulator) == ["panel_04": 1, "panel_05": 1])

            options.shotSelection = ["shot_05"]
            options.panelSelection = ["panel_04"]
            let (second, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(second.succeeded && second.total == 3 && second.kept == 1 && second.rendered == 2)
            #expect(try await EmulatorSupport.successfulRenders(on: emulator) == ["panel_04": 1, "panel_05": 1, "panel_07": 1, "panel_08": 1])
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?.arrayValue?.compactMap { $0["panel_id"]?.stringValue }.sorted() == ["panel_04", "panel_05", "panel_07", "panel_08"])
        }
    }

    @Test func aRedoMakesTheNextVersionBesideTheFirstAndEverythingAgrees() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_03", "panel_06"]
            _ = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            let v1 = try #require(Self.entry(try EmulatorSupport.manifest(dir), "panel_03"))
            let v1Path = try #require(v1["files"]?[0]?["path"]?.stringValue)
            let v1Bytes = try Data(contentsOf: dir.appendingPathComponent(v1Path))

            // A plain redo: same prompt, seed and graph, so the server answers from its cache with
            // the same images; version 2 still gets its own copy, and the manifest says so.
            options.panelSelection = nil
            options.redo = ["panel_03": PanelOverride()]
            let (plain, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(plain.succeeded && plain.total == 1 && plain.rendered == 1)
            #expect(plain.redone == ["panel_03": 2])
            var manifest = try EmulatorSupport.manifest(dir)
            var entry = try #require(Self.entry(manifest, "panel_03"))
            #expect(entry["version"] == 2)
            #expect(entry["asset_id"] == "panel_03_comfyui_v2")
            let v2Path = try #require(entry["files"]?[0]?["path"]?.stringValue)
            #expect(v2Path.hasPrefix("outputs/panel_03/v2/"))
            #expect(Self.checksums(entry) == Self.checksums(v1))
            #expect(entry["note_codes"]?.arrayValue?.contains("same_images") == true)
            #expect(entry["versions"]?.arrayValue?.count == 2)
            #expect(entry["versions"]?[0]?["files"]?[0]?["path"]?.stringValue == v1Path)

            // A redo with a seed: version 3, a different image, the override in the manifest.
            options.redo = ["panel_03": PanelOverride(seed: 1234)]
            let (seeded, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(seeded.succeeded && seeded.redone == ["panel_03": 3])
            manifest = try EmulatorSupport.manifest(dir)
            entry = try #require(Self.entry(manifest, "panel_03"))
            #expect(entry["version"] == 3 && entry["seed"] == 1234)
            #expect(entry["overrides"] == ["seed": 1234])
            #expect(Self.checksums(entry) != Self.checksums(v1))
            let v3Path = try #require(entry["files"]?[0]?["path"]?.stringValue)
            #expect(v3Path.hasPrefix("outputs/panel_03/v3/"))
            #expect(entry["versions"]?.arrayValue?.map { $0["version"] } == [1, 2, 3])
            #expect(entry["versions"]?[0]?["overrides"] == .null && entry["versions"]?[2]?["overrides"] == ["seed": 1234])
            _ = try EmulatorSupport.verifyFiles(in: dir, manifest: manifest)

            // Every version's files are still there, unchanged.
            #expect(try Data(contentsOf: dir.appendingPathComponent(v1Path)) == v1Bytes)
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(v2Path).path))

            // project.json points at the newest version; the other panel is untouched.
            let projectEntry = try #require(try Self.projectEntry(dir, "panel_03"))
            #expect(projectEntry["asset_id"] == "panel_03_comfyui_v3")
            #expect(projectEntry["path"]?.stringValue == v3Path)
            #expect(projectEntry["seed"] == 1234)
            #expect(try Self.projectEntry(dir, "panel_06")?["asset_id"] == "panel_06_comfyui_v1")

            // The ledger agrees with both.
            let ledger = try Ledger(outputsDirectory: dir.appendingPathComponent("outputs"))
            let record = try #require(try await ledger.panel("panel_03"))
            #expect(record.version == 3 && record.state == .completed && record.override == PanelOverride(seed: 1234))
            #expect(record.history.map(\.version) == [1, 2])
            #expect(record.history[0].files.map(\.path) == [v1Path])
            #expect(record.files.map(\.path) == [v3Path])
            #expect(record.promptID == projectEntry["prompt_id"]?.stringValue)

            // A plain render afterwards keeps version 3 (its override is part of that version).
            options.redo = [:]
            let (again, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(again.succeeded && again.kept == 2 && again.rendered == 7)
            #expect(try #require(try await ledger.panel("panel_03")).version == 3)
        }
    }

    /// Cancels a redo of panel_02 mid-sampling, then resumes it with the same redo or a plain render.
    @Test(arguments: [true, false])
    func aRedoInterruptedMidRunAndResumedLeavesExactlyOneVersion2(resumeWithRedo: Bool) async throws {
        let timing = TimingModel(modelLoad: .zero, perStep: .milliseconds(5), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: timing)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_02"]
            _ = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))

            options.panelSelection = nil
            options.redo = ["panel_02": PanelOverride(prompt: "the same lighthouse at dawn", seed: 77)]
            let interrupted = Renderer(project: try Project.load(from: dir), options: options)
            let task = Task { try await interrupted.run() }
            var steps = 0
            for await event in interrupted.events {
                if case .progress = event {
                    steps += 1
                    if steps == 3 { task.cancel() }
                }
            }
            let cut = try await task.value
            #expect(cut.cancelled && cut.rendered == 0)
            let ledger = try Ledger(outputsDirectory: dir.appendingPathComponent("outputs"))
            let pending = try #require(try await ledger.panel("panel_02"))
            #expect(pending.version == 2 && pending.state != .completed, "the redo request is in the ledger before it finishes")
            #expect(pending.history.map(\.version) == [1])

            if !resumeWithRedo {
                options.redo = [:]
                options.panelSelection = ["panel_02"]
            }
            let (resumed, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(resumed.succeeded && resumed.rendered == 1)
            if resumeWithRedo { #expect(resumed.redone == ["panel_02": 2]) }

            let record = try #require(try await ledger.panel("panel_02"))
            #expect(record.version == 2 && record.state == .completed)
            #expect(record.history.map(\.version) == [1])
            #expect(record.prompt == "the same lighthouse at dawn" && record.seed == 77)
            let folder = dir.appendingPathComponent("outputs/panel_02")
            let subfolders = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("v") }.sorted()
            #expect(subfolders == ["v2"], "exactly one new version folder: \(subfolders)")
            let v2Files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("v2").path).filter { !$0.hasPrefix(".") }
            #expect(v2Files.count == 1, "\(v2Files)")
            let manifest = try EmulatorSupport.manifest(dir)
            let entry = try #require(Self.entry(manifest, "panel_02"))
            #expect(entry["versions"]?.arrayValue?.count == 2)
            #expect(entry["overrides"] == ["prompt": "the same lighthouse at dawn", "seed": 77])
            #expect(try Self.projectEntry(dir, "panel_02")?["asset_id"] == "panel_02_comfyui_v2")
            let completedPrompt = try #require(record.promptID)
            #expect(await emulator.executionCount(promptID: completedPrompt) == 1)

            // Running the redo command once more now makes version 3: the request was satisfied.
            options.redo = ["panel_02": PanelOverride()]
            let (next, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(next.redone == ["panel_02": 3])
        }
    }

    @Test func aRedoOfAPanelThatNeverRenderedIsVersion1AndSaysSo() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.redo = ["panel_09": PanelOverride()]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded && summary.total == 1 && summary.redone == ["panel_09": 1])
            let entry = try #require(Self.entry(try EmulatorSupport.manifest(dir), "panel_09"))
            #expect(entry["version"] == 1)
            #expect(entry["files"]?[0]?["path"]?.stringValue?.hasPrefix("outputs/panel_09/") == true)
            #expect(entry["files"]?[0]?["path"]?.stringValue?.hasPrefix("outputs/panel_09/v") == false)
            #expect(entry["note_codes"]?.arrayValue?.contains("redo_first_render") == true)
        }
    }
}

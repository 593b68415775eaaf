import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("The demo project renders end to end against an emulator")
struct EndToEndRenderTests {
    @Test func demoProjectRendersEveryPanelWithChecksumsAndKeepsProjectKeys() async throws {
        try await EmulatorSupport.withEmulator { emulator in
            let dir = try TestSupport.demoCopy()
            let original = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options([await emulator.baseURL]))
            let (summary, events) = try await EmulatorSupport.render(renderer)

            #expect(summary.succeeded)
            #expect(summary.rendered == 9 && summary.kept == 0 && summary.failures.isEmpty)
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?.arrayValue?.count == 9)
            #expect(manifest["panels"]?.arrayValue?.allSatisfy { $0["status"] == "completed" } == true)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 9)
            let first = try #require(manifest["panels"]?[0])
            #expect(first["seed"]?.uint64Value == PanelSeed.derive(globalSeed: UInt64(42), panelID: "panel_01"))
            #expect(first["width"] == 512 && first["height"] == 288 && first["server"]?.stringValue != nil)
            #expect(first["timings"]?["finished"]?.stringValue != nil)

            let updated = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            for (key, value) in try #require(original.objectValue) where key != "updated_at" && key != "asset_manifest" {
                #expect(updated[key] == value, "\(key) changed")
            }
            // The hand-off's keys (`panels`, `panel_to_shot_map`, `grid`) are checked by HandOffTests.
            for (key, value) in try #require(original["asset_manifest"]?.objectValue) where !["panels", "panel_to_shot_map", "grid"].contains(key) {
                #expect(updated["asset_manifest"]?[key] == value, "asset_manifest.\(key) changed")
            }
            #expect(updated["generation_status"]?["comfyui"] == "done")
            let entries = try #require(updated["asset_manifest"]?["comfyui_panels"]?.arrayValue)
            #expect(entries.map { $0["asset_id"]?.stringValue } == (1...9).map { String(format: "panel_%02d_comfyui_v1", $0) })
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("project.json.bak").path))
            #expect(try Project.load(from: dir).panels.count == 9)

            #expect(await emulator.executedPromptCount == 9)
            let completed = events.compactMap { if case .completed(let id, _, _) = $0 { return id } else { return nil } }
            #expect(Set(completed).count == 9)
            #expect(events.contains { if case .progress = $0 { return true } else { return false } })
            guard case .runFinished? = events.last else { Issue.record("last event is not runFinished"); return }
        }
    }

    @Test func aRerunKeepsCompletedPanelsWithoutRenderingAgain() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            let options = EmulatorSupport.options([await emulator.baseURL])
            _ = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(await emulator.executedPromptCount == 9)

            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.kept == 9 && summary.rendered == 0 && summary.succeeded)
            #expect(await emulator.executedPromptCount == 9)
            #expect(events.filter { if case .kept = $0 { return true } else { return false } }.count == 9)

            let damaged = try #require(try EmulatorSupport.manifest(dir)["panels"]?[3]?["files"]?[0]?["path"]?.stringValue)
            try Data("tampered".utf8).write(to: dir.appendingPathComponent(damaged))
            let (again, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(again.kept == 8 && again.rendered == 1)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: try EmulatorSupport.manifest(dir)) == 9)

            var fresh = options
            fresh.fresh = true
            let (freshSummary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: fresh))
            #expect(freshSummary.rendered == 9 && freshSummary.kept == 0)
        }
    }

    @Test func theMasterGridJobRendersAtTheGlobalSeedAndIsCopied() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var doc = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            doc = doc.setting(["coherence_anchors", "master_grid_path"], to: "grids/master.png")
            try Data(doc.serialized(.pretty)).write(to: dir.appendingPathComponent("project.json"))
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["master_grid", "panel_01"]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded && summary.total == 2)
            let manifest = try EmulatorSupport.manifest(dir)
            let grid = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "master_grid" })
            #expect(grid["seed"] == 42 && grid["shot_id"] == .null)
            let stored = try #require(grid["files"]?[0]?["path"]?.stringValue)
            #expect(try Data(contentsOf: dir.appendingPathComponent("grids/master.png")) == Data(contentsOf: dir.appendingPathComponent(stored)))
        }
    }
}

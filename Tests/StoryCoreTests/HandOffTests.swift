import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
@testable import StoryCore
import StoryCoreImaging
import Testing

/// Streams a local file as if a server sent it (the store path without a server).
struct LocalFileSource: OutputSource {
    let url: URL

    func fetch(_ file: OutputFile, to destination: URL, maxBytes: Int64) async throws -> Int64 {
        let data = try Data(contentsOf: url)
        try data.write(to: destination)
        return Int64(data.count)
    }
}

/// The hand-off to StoryCore's layout: `assets/images/panels/panel_NN.{ppm,png}`, the grid, and the
/// `asset_manifest` keys of `project.json`.
@Suite("Hand-off to StoryCore's asset layout")
struct HandOffTests {
    static let fixtures = TestSupport.repositoryRoot.appendingPathComponent("Tests/Fixtures/imaging")

    static let colourTypes = ["grey1", "grey2", "grey4", "grey8", "grey16", "grey8_trns", "grey_alpha8", "grey_alpha16", "grey2_interlaced",
                              "palette4", "palette8_trns", "palette8_trns_interlaced", "rgb8", "rgb16", "rgb8_interlaced",
                              "rgba8", "rgba16", "rgba16_interlaced"]

    /// Stores fixture `name`.png through `OutputStore` as panel_01's image and hands it on.
    static func storeAndHandOn(_ name: String, in dir: URL) async throws -> StoredFile {
        var store = OutputStore(projectDirectory: dir)
        store.qualityThresholds = QualityThresholds()
        let file = OutputFile(nodeID: "9", filename: "\(name).png")
        let stored = try await store.store(file, panelID: "panel_01", from: LocalFileSource(url: fixtures.appendingPathComponent("\(name).png")))
        try HandOff(projectDirectory: dir).write(stored, panelID: "panel_01", toStem: HandOff.panelStem(index: 1))
        return stored
    }

    @Test("every PNG colour type is handed on with exactly its decoded pixels", arguments: colourTypes)
    func everyColourTypeIsHandedOnPixelForPixel(_ name: String) async throws {
        let dir = try TestSupport.scratch("handoff")
        let stored = try await Self.storeAndHandOn(name, in: dir)
        let output = try PNGCodec.decode(contentsOf: dir.appendingPathComponent(stored.path))
        let ppmURL = dir.appendingPathComponent("assets/images/panels/panel_01.ppm")
        let ppm = try Data(contentsOf: ppmURL)
        #expect(ppm.prefix(2) == Data("P6".utf8))
        #expect(try PPMCodec.decode(ppm, source: ppmURL.path) == output)
        #expect(try PNGCodec.decode(contentsOf: dir.appendingPathComponent("assets/images/panels/panel_01.png")) == output)
        let expected = try PPMCodec.decode(Data(contentsOf: Self.fixtures.appendingPathComponent("\(name).ppm")), source: name)
        #expect(output == expected, "\(name) decodes by the documented rules")
        #expect(stored.quality != nil, "\(name) is measured when stored")
    }

    @Test("a corrupt or truncated PNG is refused when stored, naming the file", arguments: ["bad_crc", "truncated"])
    func aCorruptPNGIsRefusedWhenStored(_ name: String) async throws {
        let dir = try TestSupport.scratch("handoff")
        do {
            _ = try await Self.storeAndHandOn(name, in: dir)
            Issue.record("\(name) was accepted")
        } catch let error as OutputError {
            guard case .corruptImage(let panel, let file, _) = error else { Issue.record("unexpected \(error)"); return }
            #expect(panel == "panel_01" && file == "\(name).png")
            #expect(PanelMachine.failure(for: error).kind == .corruptImage)
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("assets/images/panels/panel_01.ppm").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("outputs/panel_01/\(name).png").path))
    }

    @Test func gridSpecsFollowThePanelCount() throws {
        let dir = try TestSupport.demoCopy()
        #expect(HandOff.gridSpec(of: try Project.load(from: dir)) == "3x3")
        #expect(HandOff.panelStem(index: 7) == "assets/images/panels/panel_07")
        #expect(HandOff.gridStem(spec: "1x4") == "assets/images/grids/grid_1x4")
    }

    /// Checks that each storyboard panel's hand-off PPM has exactly the pixels of its current output PNG.
    static func expectHandOffMatchesOutputs(_ dir: URL, manifest: JSONValue) throws {
        let panels = manifest["panels"]?.arrayValue ?? []
        for (offset, panel) in panels.filter({ $0["panel_id"] != "master_grid" }).enumerated() {
            let path = try #require(panel["files"]?[0]?["path"]?.stringValue)
            let output = try PNGCodec.decode(contentsOf: dir.appendingPathComponent(path))
            let stem = HandOff.panelStem(index: offset + 1)
            let ppm = try PPMCodec.decode(Data(contentsOf: dir.appendingPathComponent(stem + ".ppm")), source: stem)
            #expect(ppm == output, "\(stem).ppm has the pixels of \(path)")
            #expect(try PNGCodec.decode(contentsOf: dir.appendingPathComponent(stem + ".png")) == output)
        }
    }

    @Test func aRenderHandsEveryPanelAndTheGridOnAndUpdatesProjectJSONAsTheContractSays() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            let projectURL = dir.appendingPathComponent("project.json")
            let original = try JSONValue.parse(Data(contentsOf: projectURL))
                .setting(["coherence_anchors", "master_grid_path"], to: "assets/master_grid.png")
                .setting(["asset_manifest", "storycore_extra"], to: ["kept": true])
            try Data(original.serialized(.pretty)).write(to: projectURL)
            let before = try Project.load(from: dir)
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: before, options: EmulatorSupport.options([await emulator.baseURL])))
            #expect(summary.succeeded && summary.rendered == 10)

            let manifest = try EmulatorSupport.manifest(dir)
            try Self.expectHandOffMatchesOutputs(dir, manifest: manifest)
            let grid = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "master_grid" })
            let gridOutput = try PNGCodec.decode(contentsOf: dir.appendingPathComponent(try #require(grid["files"]?[0]?["path"]?.stringValue)))
            #expect(try PPMCodec.decode(Data(contentsOf: dir.appendingPathComponent("assets/images/grids/grid_3x3.ppm")), source: "grid") == gridOutput)

            let updated = try JSONValue.parse(Data(contentsOf: projectURL))
            let assets = try #require(updated["asset_manifest"])
            let entries = try #require(assets["panels"]?.arrayValue)
            #expect(entries.count == 9)
            for (offset, entry) in entries.enumerated() {
                let name = String(format: "panel_%02d", offset + 1)
                #expect(entry == ["asset_id": .string("\(name)_v1"), "path": .string("assets/images/panels/\(name).ppm"), "panel_index": .int(offset + 1)])
                #expect(assets["panel_to_shot_map"]?[name] == original["asset_manifest"]?["panel_to_shot_map"]?[name])
            }
            #expect(assets["grid"]?["asset_id"] == "grid_3x3_v1" && assets["grid"]?["path"] == "assets/images/grids/grid_3x3.ppm")
            #expect(assets["grid"]?["type"] == "grid" && assets["grid"]?["dimensions"] == "3x3")
            #expect(assets["grid"]?["created_at"]?.stringValue.map(Timestamp.isUTC) == true)
            #expect(assets["storycore_extra"] == ["kept": true])
            for (key, value) in try #require(original.objectValue) where !["updated_at", "asset_manifest", "generation_status"].contains(key) {
                #expect(updated[key] == value, "\(key) changed")
            }
            for (key, value) in try #require(original["asset_manifest"]?.objectValue) where !["panels", "panel_to_shot_map"].contains(key) {
                #expect(assets[key] == value, "asset_manifest.\(key) changed")
            }
            // The project still loads with the same panels, mapped to the same shots.
            let after = try Project.load(from: dir)
            #expect(after.panels.map(\.id) == before.panels.map(\.id) && after.panels.map(\.shotID) == before.panels.map(\.shotID))
        }
    }

    @Test func aRedoReplacesTheHandOffWithTheNewVersion() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_02"]
            _ = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            let ppm = dir.appendingPathComponent("assets/images/panels/panel_02.ppm")
            let first = try Data(contentsOf: ppm)

            options.redo = ["panel_02": PanelOverride(seed: 777)]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.redone == ["panel_02": 2])
            let manifest = try EmulatorSupport.manifest(dir)
            let entry = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" })
            let v2 = try #require(entry["files"]?[0]?["path"]?.stringValue)
            #expect(v2.hasPrefix("outputs/panel_02/v2/"))
            let second = try Data(contentsOf: ppm)
            #expect(second != first)
            #expect(try PPMCodec.decode(second, source: "v2") == PNGCodec.decode(contentsOf: dir.appendingPathComponent(v2)))
            let project = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            #expect(project["asset_manifest"]?["panels"]?[1]?["asset_id"] == "panel_02_v2")

            // Approving version 1 afterwards hands version 1 on again.
            let ledger = try Ledger(outputsDirectory: dir.appendingPathComponent("outputs"))
            try await ledger.setReview(PanelReview(verdict: .approved, version: 1), panelID: "panel_02")
            try await HandOff(projectDirectory: dir).refresh(panelID: "panel_02", project: try Project.load(from: dir), ledger: ledger)
            #expect(try Data(contentsOf: ppm) == first)
            let reviewed = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            #expect(reviewed["asset_manifest"]?["panels"]?[1]?["asset_id"] == "panel_02_v1")
        }
    }

    @Test func noHandoffWritesNoAssetsAndLeavesTheProjectsPanelKeys() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            let original = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.handoff = false
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("assets").path))
            let updated = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            #expect(updated["asset_manifest"]?["panels"] == original["asset_manifest"]?["panels"])
            #expect(updated["asset_manifest"]?["panel_to_shot_map"] == original["asset_manifest"]?["panel_to_shot_map"])
            #expect(updated["asset_manifest"]?["grid"] == nil)

            // The next render with the hand-off on keeps every panel and hands each on.
            options.handoff = true
            let (again, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(again.kept == 9 && again.rendered == 0)
            try Self.expectHandOffMatchesOutputs(dir, manifest: try EmulatorSupport.manifest(dir))
            let handed = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            #expect(handed["asset_manifest"]?["panels"]?[8]?["path"] == "assets/images/panels/panel_09.ppm")
        }
    }
}

import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("project.json update keeps every key and is atomic")
struct ProjectUpdateTests {
    let update = ProjectUpdate(panels: [
        .init(panelID: "panel_01", path: "outputs/panel_01/a_00001_.png", seed: 18446744073709551615, promptID: "p-1"),
        .init(panelID: "panel_02", path: "outputs/panel_02/b_00001_.png", seed: 7, promptID: "p-2"),
    ], status: .partial)

    @Test func onlyTheContractKeysChange() throws {
        let dir = try TestSupport.demoCopy()
        let before = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try update.write(toProjectIn: dir, backup: true, now: now)
        let after = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))

        let beforeKeys = try #require(before.objectValue).keys
        let afterKeys = try #require(after.objectValue).keys
        #expect(Array(afterKeys.prefix(beforeKeys.count)) == beforeKeys)
        #expect(afterKeys.last == "generation_status")
        for key in beforeKeys where key != "asset_manifest" && key != "updated_at" {
            #expect(after[key] == before[key], "\(key) changed")
        }
        #expect(after["x_editor_state"]?["big_counter"]?.numberValue?.text == "18446744073709551615")
        #expect(after["updated_at"] == .string("2027-01-15T08:00:00Z"))
        #expect(after["generation_status"]?["comfyui"] == "partial")
        let assetsBefore = try #require(before["asset_manifest"]?.objectValue)
        let assetsAfter = try #require(after["asset_manifest"]?.objectValue)
        for (key, value) in assetsBefore { #expect(assetsAfter[key] == value, "asset_manifest.\(key) changed") }
        let entries = try #require(after["asset_manifest"]?["comfyui_panels"]?.arrayValue)
        #expect(entries.count == 2)
        #expect(entries[0] == [
            "asset_id": "panel_01_comfyui_v1", "panel_id": "panel_01", "path": "outputs/panel_01/a_00001_.png",
            "seed": .uint64(18446744073709551615), "prompt_id": "p-1",
        ])
        let backup = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json.bak")))
        #expect(backup == before)
        _ = try Project.load(from: dir)
    }

    @Test func rewritingKeepsEditsMadeByOthersAndTheFirstBackup() throws {
        let dir = try TestSupport.demoCopy()
        let original = try Data(contentsOf: dir.appendingPathComponent("project.json"))
        try update.write(toProjectIn: dir, backup: true)
        var doc = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
        doc = doc.setting(["status", "current_phase"], to: "editing_elsewhere")
        try Data(doc.serialized(.pretty)).write(to: dir.appendingPathComponent("project.json"))
        var done = update
        done.status = .done
        try done.write(toProjectIn: dir, backup: false)
        let after = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
        #expect(after["status"]?["current_phase"] == "editing_elsewhere")
        #expect(after["generation_status"]?["comfyui"] == "done")
        #expect(try Data(contentsOf: dir.appendingPathComponent("project.json.bak")) == original)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func aCorruptProjectFileIsNotOverwritten() throws {
        let dir = try TestSupport.scratch()
        try Data("[1, 2".utf8).write(to: dir.appendingPathComponent("project.json"))
        #expect(throws: ProjectError.self) { try update.write(toProjectIn: dir, backup: true) }
        #expect(try Data(contentsOf: dir.appendingPathComponent("project.json")) == Data("[1, 2".utf8))
    }
}

import Foundation
import Testing
@testable import StoryCore

@Suite("Ledger keeps every completed version of a panel")
struct LedgerVersionTests {
    func record(_ fingerprint: String, version: Int = 1, override: PanelOverride? = nil) -> PanelRecord {
        var record = PanelRecord(panelID: "panel_07", position: 0, shotID: "shot_05", fingerprint: fingerprint, prompt: "p",
                                 negativePrompt: nil, seed: 7, width: 64, height: 64, batchSize: 1)
        record.version = version
        record.override = override
        return record
    }

    func completeVersion(_ ledger: Ledger, promptID: String, path: String) async throws {
        try await ledger.recordPrompt(PromptRecord(promptID: promptID, panelID: "panel_07", attempt: 1, part: 0, firstImage: 0, imageCount: 1, server: "http://a"))
        try await ledger.completePrompt(promptID, panelID: "panel_07", files: [StoredFile(path: path, nodeID: "9", bytes: 3, sha256: "aa")])
        try await ledger.complete("panel_07", finishedAt: Date(), downloadedAt: Date())
    }

    @Test func aRedoArchivesTheCompletedVersionAndForgetsItsPrompts() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch().appendingPathComponent("outputs"))
        _ = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([record("f1")])
        try await completeVersion(ledger, promptID: "v1-prompt", path: "outputs/panel_07/a.png")

        let redone = try await ledger.plan([record("f2", version: 2, override: PanelOverride(seed: 9))])
        #expect(redone[0].version == 2 && redone[0].state == .planned && redone[0].files.isEmpty)
        #expect(redone[0].override == PanelOverride(seed: 9))
        #expect(redone[0].history.map(\.version) == [1])
        #expect(redone[0].history[0].files.map(\.path) == ["outputs/panel_07/a.png"])
        #expect(redone[0].history[0].promptID == "v1-prompt" && redone[0].history[0].state == .completed)
        #expect(try await ledger.prompts("panel_07").isEmpty, "version 1's completed prompts must not count for version 2")

        // Planning the same pending version again keeps it (a resumed redo), prompts included.
        try await ledger.recordPrompt(PromptRecord(promptID: "v2-prompt", panelID: "panel_07", attempt: 1, part: 0, firstImage: 0, imageCount: 1, server: "http://a"))
        let resumed = try await ledger.plan([record("f2", version: 2, override: PanelOverride(seed: 9))])
        #expect(resumed[0].version == 2 && resumed[0].state == .submitted && resumed[0].promptID == "v2-prompt")

        // A pending version planned with other values is replaced in place: still version 2.
        let replaced = try await ledger.plan([record("f3", version: 2)])
        #expect(replaced[0].version == 2 && replaced[0].state == .planned && replaced[0].override == nil)
        #expect(replaced[0].history.map(\.version) == [1])
    }

    @Test func aCompletedPanelWhoseValuesChangedBecomesTheNextVersionWithANote() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch().appendingPathComponent("outputs"))
        _ = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([record("f1")])
        try await completeVersion(ledger, promptID: "v1-prompt", path: "outputs/panel_07/a.png")
        let changed = try await ledger.plan([record("edited storyboard")])
        #expect(changed[0].version == 2)
        #expect(changed[0].notes.contains(.renderedAsNewVersion(version: 2, previous: 1)))
        #expect(changed[0].history.first?.files.first?.path == "outputs/panel_07/a.png")

        // --fresh forgets the history too.
        _ = try await ledger.beginRun(projectID: "p", fresh: true)
        let fresh = try await ledger.plan([record("f1")])
        #expect(fresh[0].version == 1 && fresh[0].history.isEmpty)
    }
}

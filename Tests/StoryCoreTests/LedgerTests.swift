import Foundation
import Testing
@testable import StoryCore

@Suite("Ledger records transitions durably and supports resume")
struct LedgerTests {
    func record(_ id: String, position: Int, fingerprint: String = "f1") -> PanelRecord {
        PanelRecord(panelID: id, position: position, shotID: "shot_01", fingerprint: fingerprint, prompt: "a \(id)",
                    negativePrompt: nil, seed: 18446744073709551615, width: 512, height: 288, batchSize: 2)
    }

    @Test func aReopenedLedgerResumesTheSameRunWithItsRecords() async throws {
        let outputs = try TestSupport.scratch().appendingPathComponent("outputs")
        let runID: String
        do {
            let ledger = try Ledger(outputsDirectory: outputs)
            let run = try await ledger.beginRun(projectID: "p", fresh: false)
            #expect(!run.resumed)
            runID = run.runID
            try await ledger.plan([record("panel_01", position: 0), record("panel_02", position: 1)])
            try await ledger.recordPrompt(PromptRecord(promptID: "id-1", panelID: "panel_01", attempt: 1, part: 0, firstImage: 0, imageCount: 2, server: "http://a"))
            try await ledger.setPromptState("id-1", .accepted)
            try await ledger.completePrompt("id-1", panelID: "panel_01", files: [StoredFile(path: "outputs/panel_01/x.png", nodeID: "9", bytes: 10, sha256: "ab")])
            try await ledger.addNote(.outOfMemoryBatchSplit(images: 2), panelID: "panel_01")
            try await ledger.addNote(.outOfMemoryBatchSplit(images: 2), panelID: "panel_01")
            try await ledger.complete("panel_01", finishedAt: Date(), downloadedAt: Date())
            try await ledger.recordPrompt(PromptRecord(promptID: "id-2", panelID: "panel_02", attempt: 1, part: 0, firstImage: 0, imageCount: 2, server: "http://b"))
        }
        #expect(FileManager.default.fileExists(atPath: outputs.appendingPathComponent(".comfybridge/ledger.sqlite").path))
        let ledger = try Ledger(outputsDirectory: outputs)
        let run = try await ledger.beginRun(projectID: "p", fresh: false)
        #expect(run.resumed && run.runID == runID)
        let panels = try await ledger.plan([record("panel_01", position: 0), record("panel_02", position: 1)])
        #expect(panels[0].state == .completed)
        #expect(panels[0].files == [StoredFile(path: "outputs/panel_01/x.png", nodeID: "9", bytes: 10, sha256: "ab")])
        #expect(panels[0].notes == [.outOfMemoryBatchSplit(images: 2)])
        #expect(panels[0].seed == 18446744073709551615)
        #expect(panels[1].state == .submitted)
        #expect(panels[1].promptID == "id-2" && panels[1].server == "http://b")
        let open = try await ledger.prompts("panel_02")
        #expect(open.map(\.state) == [.recorded])
    }

    @Test func aChangedFingerprintStartsThePanelOver() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch())
        _ = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([record("panel_01", position: 0)])
        try await ledger.recordPrompt(PromptRecord(promptID: "x", panelID: "panel_01", attempt: 1, part: 0, firstImage: 0, imageCount: 1, server: "s"))
        let replanned = try await ledger.plan([record("panel_01", position: 0, fingerprint: "f2")])
        #expect(replanned[0].state == .planned && replanned[0].promptID == nil)
        #expect(try await ledger.prompts("panel_01").isEmpty)
    }

    @Test func freshForgetsEverythingAndAnotherProjectIsNotResumed() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch())
        let first = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([record("panel_01", position: 0)])
        let fresh = try await ledger.beginRun(projectID: "p", fresh: true)
        #expect(!fresh.resumed && fresh.runID != first.runID)
        #expect(try await ledger.panels().isEmpty)
        let other = try await ledger.beginRun(projectID: "q", fresh: false)
        #expect(!other.resumed && other.runID != fresh.runID)
    }

    @Test func attemptsFailuresAndReplanning() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch())
        _ = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([record("panel_01", position: 0)])
        #expect(try await ledger.beginAttempt("panel_01") == 1)
        try await ledger.recordPrompt(PromptRecord(promptID: "a1", panelID: "panel_01", attempt: 1, part: 0, firstImage: 0, imageCount: 2, server: "s"))
        #expect(try await ledger.beginAttempt("panel_01") == 2)
        #expect(try await ledger.prompts("panel_01").map(\.state) == [.abandoned])
        let failure = RenderFailure(kind: .execution, message: "boom", nodeID: "3", nodeType: "KSampler", suggestion: "check the model")
        try await ledger.fail("panel_01", failure: failure)
        var panel = try #require(try await ledger.panel("panel_01"))
        #expect(panel.state == .failed && panel.failure == failure && panel.attempts == 2)
        try await ledger.replan("panel_01")
        panel = try #require(try await ledger.panel("panel_01"))
        #expect(panel.state == .planned && panel.failure == nil)
    }

    @Test func anUnopenableLedgerIsATypedError() throws {
        let dir = try TestSupport.scratch()
        let blocker = dir.appendingPathComponent("outputs")
        try Data("not a folder".utf8).write(to: blocker)
        #expect(throws: LedgerError.self) { try Ledger(outputsDirectory: blocker) }
    }
}

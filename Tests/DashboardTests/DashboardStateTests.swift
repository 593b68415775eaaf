import ComfyWorkflow
import Foundation
import StoryCore
import Testing
@testable import StoryCoreDashboard

/// The reducer: render events and ledger records folded into the page's state, without a server.
@Suite struct DashboardStateTests {
    static let server = "http://127.0.0.1:8188"
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    static func state() throws -> DashboardState {
        let project = try Project.load(from: DashboardTestSupport.repositoryRoot.appendingPathComponent("examples/demo-project"))
        return DashboardState(project: project, records: [], servers: [server])
    }

    static func file(_ panelID: String, _ name: String = "a.png") -> StoredFile {
        StoredFile(path: "outputs/\(panelID)/\(name)", nodeID: "9", bytes: 10, sha256: String(repeating: "0", count: 64))
    }

    @Test func aProjectBetweenRendersShowsEveryPanelPendingInStoryboardOrder() throws {
        let state = try Self.state()
        let json = state.snapshotJSON(at: Self.t0)
        #expect(json["panels"]?.arrayValue?.count == 9)
        #expect(json["panels"]?[0]?["panel_id"] == "panel_01")
        #expect(json["panels"]?[8]?["panel_id"] == "panel_09")
        #expect(json["run"]?["state"] == "idle")
        #expect(json["run"]?["done"] == 0)
        #expect(json["run"]?["total"] == 9)
        #expect(json["run"]?["counts"]?["pending"] == 9)
        #expect(json["servers"]?[0]?["url"]?.stringValue == Self.server)
        #expect(json["panels"]?[0]?["status"] == "pending")
        #expect(json["panels"]?[0]?["preview_url"] == .null)
    }

    @Test func aPanelGoesQueuedRunningCompletedWithPositionStepNodeAndFiles() throws {
        var state = try Self.state()
        state.apply(.runStarted(runID: "run-1", resumed: false, panels: 9, servers: [Self.server]), at: Self.t0)
        state.apply(.planned(panelID: "panel_02", seed: 42, batchSize: 1), at: Self.t0)
        state.apply(.queued(panelID: "panel_02", promptID: "p", server: Self.server, position: 3), at: Self.t0)
        #expect(state.tile("panel_02")?.status == .queued)
        #expect(state.tile("panel_02")?.queuePosition == 3)
        #expect(state.tile("panel_02")?.seed == 42)
        state.apply(.started(panelID: "panel_02", promptID: "p", server: Self.server), at: Self.t0)
        state.apply(.progress(panelID: "panel_02", promptID: "p", node: "3", step: 7, total: 20), at: Self.t0.addingTimeInterval(1))
        let running = try #require(state.tile("panel_02"))
        #expect(running.status == .running)
        #expect(running.step == 7 && running.totalSteps == 20 && running.node == "3")
        #expect(running.queuePosition == nil)
        #expect(state.servers[0].panelID == "panel_02")
        let changed = state.apply(.completed(panelID: "panel_02", files: [Self.file("panel_02")], notes: []), at: Self.t0.addingTimeInterval(4))
        #expect(changed == "panel_02")
        let done = try #require(state.tile("panel_02"))
        #expect(done.status == .completed)
        #expect(done.step == nil && done.node == nil)
        #expect(done.files(version: 1) == [Self.file("panel_02")])
        #expect(done.json["versions"]?[0]?["files"]?[0]?["url"] == "/api/files/panel_02/1/0")
        #expect(done.json["versions"]?[0]?["files"]?[0]?["media_type"] == "image/png")
        #expect(state.servers[0].promptsDone == 1)
        #expect(state.servers[0].meanJobSeconds == 4)
        #expect(state.servers[0].panelID == nil)
        #expect(state.runJSON(at: Self.t0.addingTimeInterval(4))["done"] == 1)
    }

    @Test func aFailureShowsItsReasonAndSuggestionAndANotice() throws {
        var state = try Self.state()
        state.apply(.runStarted(runID: "run-1", resumed: false, panels: 9, servers: [Self.server]), at: Self.t0)
        state.apply(.queued(panelID: "panel_07", promptID: "p", server: Self.server, position: nil), at: Self.t0)
        let failure = RenderFailure(kind: .outOfMemory, message: "CUDA out of memory", nodeID: "3", nodeType: "KSampler",
                                    suggestion: "lower the batch size")
        state.apply(.failed(panelID: "panel_07", failure: failure), at: Self.t0)
        let tile = try #require(state.tile("panel_07"))
        #expect(tile.status == .failed)
        #expect(tile.json["failure"]?["kind"] == "out_of_memory")
        #expect(tile.json["failure"]?["message"] == "CUDA out of memory")
        #expect(tile.json["failure"]?["suggestion"] == "lower the batch size")
        let notice = try #require(state.notices.last)
        #expect(notice.level == .error)
        #expect(notice.panelID == "panel_07")
        #expect(notice.text.contains("panel_07 failed"))
        #expect(state.runJSON(at: Self.t0)["counts"]?["failed"] == 1)
    }

    @Test func serversLostAndBackAreNoticedAndShownOnTheirCard() throws {
        var state = try Self.state()
        state.apply(.serverUp(server: Self.server), at: Self.t0)
        #expect(state.servers[0].state == .up)
        #expect(state.notices.isEmpty, "a server up at start is no news")
        state.apply(.serverDown(server: Self.server, reason: "connection refused"), at: Self.t0)
        #expect(state.servers[0].state == .down)
        #expect(state.servers[0].reason == "connection refused")
        state.apply(.serverUp(server: Self.server), at: Self.t0)
        #expect(state.servers[0].state == .up)
        #expect(state.notices.map(\.level) == [.error, .info])
        #expect(state.notices.last?.text.contains("back") == true)
    }

    @Test func theEndOfARunPutsUnfinishedPanelsBackToPendingAndTheRunIdle() throws {
        var state = try Self.state()
        state.apply(.runStarted(runID: "run-1", resumed: false, panels: 9, servers: [Self.server]), at: Self.t0)
        state.apply(.queued(panelID: "panel_01", promptID: "p", server: Self.server, position: 0), at: Self.t0)
        state.apply(.started(panelID: "panel_01", promptID: "p", server: Self.server), at: Self.t0)
        #expect(state.runState == .rendering)
        let summary = RenderSummary(runID: "run-1", total: 9, rendered: 0, kept: 0, failures: [:], pending: 9, cancelled: true,
                                    duration: .seconds(3), manifest: URL(fileURLWithPath: "/tmp/manifest.json"))
        state.apply(.runFinished(summary), at: Self.t0.addingTimeInterval(3))
        #expect(state.runState == .idle)
        #expect(state.tile("panel_01")?.status == .pending)
        #expect(state.servers[0].panelID == nil)
        #expect(state.elapsedSeconds(at: Self.t0.addingTimeInterval(100)) == 3, "elapsed stops at the end of the run")
        #expect(state.notices.last?.text.contains("stopped") == true)
    }

    @Test func theEstimateFollowsThePaceOfPanelsFinishedInThisRun() throws {
        var state = try Self.state()
        state.beginRun(at: Self.t0, redo: [])
        state.apply(.runStarted(runID: "run-1", resumed: false, panels: 4, servers: [Self.server]), at: Self.t0)
        for id in ["panel_01", "panel_02", "panel_03", "panel_04"] { state.apply(.planned(panelID: id, seed: 1, batchSize: 1), at: Self.t0) }
        #expect(state.etaSeconds(at: Self.t0.addingTimeInterval(5)) == nil, "no estimate before a panel finished")
        state.apply(.completed(panelID: "panel_01", files: [Self.file("panel_01")], notes: []), at: Self.t0.addingTimeInterval(10))
        #expect(state.etaSeconds(at: Self.t0.addingTimeInterval(10)) == 30)
    }

    @Test func aRetryBecomesAWarningNoticeNamingServerAndPanel() throws {
        var state = try Self.state()
        state.apply(.queued(panelID: "panel_07", promptID: "p", server: Self.server, position: 0), at: Self.t0)
        let event = RenderEvent.retrying(panelID: "panel_07", reason: .outOfMemory(step: .splitBatch, server: Self.server))
        state.apply(event, at: Self.t0)
        let notice = try #require(state.notices.last)
        #expect(notice.level == .warning)
        #expect(notice.panelID == "panel_07")
        #expect(notice.server == Self.server)
        #expect(notice.text.contains("panel_07"))
        #expect(notice.text == "\(Self.server) ran out of memory on panel_07: splitting the batch, retrying")
    }

    @Test func noticesKeepOnlyTheNewest200() throws {
        var state = try Self.state()
        for index in 0..<250 { state.note(Notice(at: Self.t0, level: .info, text: "n\(index)")) }
        #expect(state.notices.count == DashboardState.maxNotices)
        #expect(state.notices.first?.text == "n50")
        #expect(state.noticeCount == 250)
    }

    @Test func aLedgerRecordBringsVersionsFilesFailureAndReview() throws {
        var state = try Self.state()
        var record = PanelRecord(panelID: "panel_03", position: 2, shotID: "shot_02", fingerprint: "f", prompt: "new prompt",
                                 negativePrompt: nil, seed: 7, width: 64, height: 64, batchSize: 1)
        record.state = .completed
        record.version = 2
        record.files = [Self.file("panel_03", "v2/b.png")]
        record.history = [PanelVersion(version: 1, prompt: "old", negativePrompt: nil, seed: 1, override: nil, state: .completed,
                                       promptID: nil, server: nil, files: [Self.file("panel_03")], notes: [], finishedAt: nil)]
        record.review = PanelReview(verdict: .rejected, version: 1, at: Self.t0)
        state.refresh(with: record)
        let tile = try #require(state.tile("panel_03"))
        #expect(tile.status == .completed)
        #expect(tile.version == 2)
        #expect(tile.prompt == "new prompt")
        #expect(tile.seed == 7)
        #expect(tile.versions.map(\.version) == [1, 2])
        #expect(tile.json["versions"]?[1]?["files"]?[0]?["url"] == "/api/files/panel_03/2/0")
        #expect(tile.json["review"]?["verdict"] == "rejected")
        #expect(tile.json["review"]?["version"] == 1)
        #expect(tile.json["review"]?["at"]?.stringValue?.hasSuffix("Z") == true)
    }

    @Test func keptPanelsShowAsKeptDuringARun() throws {
        var state = try Self.state()
        state.beginRun(at: Self.t0, redo: [])
        state.apply(.kept(panelID: "panel_05", files: [Self.file("panel_05")]), at: Self.t0)
        var record = PanelRecord(panelID: "panel_05", position: 4, shotID: nil, fingerprint: "f", prompt: "p", negativePrompt: nil,
                                 seed: 1, width: 1, height: 1, batchSize: 1)
        record.state = .completed
        record.files = [Self.file("panel_05")]
        state.refresh(with: record)
        #expect(state.tile("panel_05")?.status == .kept)
        #expect(state.runJSON(at: Self.t0)["counts"]?["kept"] == 1)
    }
}

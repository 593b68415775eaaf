import ComfyWorkflow
import Foundation
import StoryCore
import Testing
@testable import StoryCoreDashboard

/// Bounded viewer queues and the hub's fan-out, without sockets.
@Suite struct ViewerFeedTests {
    static func message(_ index: Int, preview: Bool = false) -> FeedMessage {
        FeedMessage(text: "{\"n\":\(index)}", isPreview: preview)
    }

    static func emptied(capacity: Int) -> ViewerQueue {
        var queue = ViewerQueue(capacity: capacity)
        _ = queue.pop()
        return queue
    }

    @Test func aNewViewerFirstGetsASnapshot() {
        var queue = ViewerQueue(capacity: 8)
        queue.push(Self.message(1))
        #expect(queue.pop() == .resync)
        #expect(queue.isEmpty, "the snapshot covers what was published before it was taken")
    }

    @Test func aFullQueueDropsPreviewsFirst() {
        var queue = Self.emptied(capacity: 4)
        queue.push(Self.message(1))
        queue.push(Self.message(2, preview: true))
        queue.push(Self.message(3))
        queue.push(Self.message(4, preview: true))
        queue.push(Self.message(5))
        #expect(queue.entries == [.message(Self.message(1)), .message(Self.message(3)), .message(Self.message(5))])
        #expect(queue.droppedPreviews == 2)
        #expect(queue.resyncs == 0)
    }

    @Test func aFullQueueWithoutPreviewsIsReplacedByOneSnapshot() {
        var queue = Self.emptied(capacity: 4)
        for index in 1...4 { queue.push(Self.message(index)) }
        queue.push(Self.message(5))
        #expect(queue.entries == [.resync])
        #expect(queue.resyncs == 1)
        queue.push(Self.message(6))
        #expect(queue.entries == [.resync], "the pending snapshot covers later messages too")
        #expect(queue.pop() == .resync)
        #expect(queue.isEmpty)
    }

    @Test func aPreviewArrivingAtAFullQueueOfEventsIsDroppedNotQueued() {
        var queue = Self.emptied(capacity: 2)
        queue.push(Self.message(1))
        queue.push(Self.message(2))
        queue.push(Self.message(3, preview: true))
        #expect(queue.entries.count == 2)
        #expect(queue.droppedPreviews == 1)
        #expect(queue.resyncs == 0)
    }

    @Test func aViewerThatNeverReadsHoldsAtMostItsCapacityAndThenGetsAFreshSnapshot() async throws {
        let project = try Project.load(from: DashboardTestSupport.repositoryRoot.appendingPathComponent("examples/demo-project"))
        let hub = DashboardHub(state: DashboardState(project: project, records: [], servers: ["http://s"]), viewerCapacity: 16)
        let reader = await hub.connect()
        #expect(await hub.next(reader)?.contains("\"type\":\"snapshot\"") == true)
        await hub.apply(.runStarted(runID: "r", resumed: false, panels: 9, servers: ["http://s"]))
        for step in 1...5_000 {
            await hub.apply(.progress(panelID: "panel_01", promptID: "p", node: "3", step: step, total: 5_000))
            #expect(await hub.queuedCounts.allSatisfy { $0 <= 16 })
        }
        #expect(await hub.resyncCount >= 1)
        let first = try #require(await hub.next(reader))
        let message = try JSONValue.parse(first)
        #expect(message["type"] == "snapshot")
        let tile = message["snapshot"]?["panels"]?[0]
        #expect(tile?["step"] == 5_000, "the snapshot holds the newest state, nothing older follows it")
        await hub.apply(.progress(panelID: "panel_01", promptID: "p", node: "3", step: 5_001, total: 5_001))
        let next = try JSONValue.parse(try #require(await hub.next(reader)))
        #expect(next["type"] == "event")
        #expect(next["panel"]?["step"] == 5_001)
        await hub.close()
        #expect(await hub.next(reader) == nil)
    }

    @Test func previewsAreAnnouncedAtMostFourTimesASecondPerPanelNewestWinning() async throws {
        let project = try Project.load(from: DashboardTestSupport.repositoryRoot.appendingPathComponent("examples/demo-project"))
        let hub = DashboardHub(state: DashboardState(project: project, records: [], servers: ["http://s"]), viewerCapacity: 256)
        let viewer = await hub.connect()
        _ = await hub.next(viewer)
        for index in 1...10 {
            await hub.apply(.preview(panelID: "panel_02", promptID: "p", format: "jpeg", bytes: [UInt8(index)]))
        }
        let first = try JSONValue.parse(try #require(await hub.next(viewer)))
        #expect(first["type"] == "preview")
        #expect(first["panel_id"] == "panel_02")
        #expect(first["url"] == "/api/previews/panel_02?seq=1")
        // The nine others arrived within the same quarter second: one announcement follows, for the newest.
        let second = try JSONValue.parse(try #require(await hub.next(viewer)))
        #expect(second["url"] == "/api/previews/panel_02?seq=10")
        let held = try #require(await hub.preview("panel_02"))
        #expect(held.bytes == [10])
        #expect(held.mediaType == "image/jpeg")
        #expect(await hub.state.tile("panel_02")?.previewSeq == 10)
        await hub.apply(.completed(panelID: "panel_02", files: [], notes: []))
        #expect(await hub.preview("panel_02") == nil, "a finished panel shows its image, not its last preview")
        await hub.close()
    }

    @Test func aBrokenViewerNeverBlocksTheOthers() async throws {
        let project = try Project.load(from: DashboardTestSupport.repositoryRoot.appendingPathComponent("examples/demo-project"))
        let hub = DashboardHub(state: DashboardState(project: project, records: [], servers: ["http://s"]), viewerCapacity: 8)
        let stalled = await hub.connect()
        let live = await hub.connect()
        _ = await hub.next(live)
        for step in 1...100 {
            await hub.apply(.progress(panelID: "panel_01", promptID: "p", node: "3", step: step, total: 100))
            let message = try JSONValue.parse(try #require(await hub.next(live)))
            #expect(message["panel"]?["step"]?.intValue == step)
        }
        #expect(await hub.queuedCounts.max() ?? 0 <= 8)
        await hub.disconnect(stalled)
        #expect(await hub.viewerCount == 1)
        await hub.close()
    }
}

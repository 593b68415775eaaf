import ComfyWorkflow
import Foundation
import StoryCore

/// The dashboard's single source of truth and its fan-out to viewers.
///
/// Holds the `DashboardState`, folds render events into it, and hands every connected viewer
/// (a browser's event socket) the messages of `dashboard-api.md` through its own bounded
/// `ViewerQueue`. Publishing never waits for a viewer: each message is serialized once and queued
/// by reference, so ten or a hundred viewers cost the render nothing but the queueing. Sampler
/// previews are kept per panel (only the newest bytes) and announced at most `previewsPerSecond`
/// times a second per panel, the newest winning.
public actor DashboardHub {
    /// The newest preview image of a panel.
    public struct Preview: Sendable {
        /// The image bytes.
        public var bytes: [UInt8]
        /// `jpeg`, `png` or `webp`.
        public var format: String
        /// Its sequence number (increasing across panels).
        public var seq: Int

        /// The media type of the bytes.
        public var mediaType: String { format == "png" ? "image/png" : format == "webp" ? "image/webp" : "image/jpeg" }
    }

    private struct Viewer {
        var queue: ViewerQueue
        var waiter: CheckedContinuation<String?, Never>?
    }

    /// The state as it is now.
    public private(set) var state: DashboardState
    /// The most messages a viewer's queue holds before previews are dropped and then a snapshot replaces it.
    public let viewerCapacity: Int
    /// Preview announcements per second per panel, at most.
    public let previewsPerSecond: Int
    private var viewers: [Int: Viewer] = [:]
    private var nextViewerID = 0
    private var closed = false
    private var previews: [String: Preview] = [:]
    private var previewSeq = 0
    private var lastPreviewSent: [String: ContinuousClock.Instant] = [:]
    private var previewTimers: [String: Task<Void, Never>] = [:]
    /// Resyncs of viewers that have disconnected, added to `resyncCount`.
    private var pastResyncs = 0
    private let clock: @Sendable () -> Date

    /// A hub starting from `state`. `viewerCapacity` bounds each viewer's queue (default 256).
    public init(state: DashboardState, viewerCapacity: Int = 256, previewsPerSecond: Int = 4,
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.state = state
        self.viewerCapacity = viewerCapacity
        self.previewsPerSecond = max(1, previewsPerSecond)
        self.clock = clock
    }

    // MARK: Reading

    /// The snapshot JSON now.
    public func snapshot() -> JSONValue { state.snapshotJSON(at: clock()) }

    /// The newest preview of a panel, if one is held.
    public func preview(_ panelID: String) -> Preview? { previews[panelID] }

    /// Viewers connected now.
    public var viewerCount: Int { viewers.count }

    /// Times a viewer fell behind and was sent a fresh snapshot instead of its queue (all viewers, ever).
    public var resyncCount: Int { pastResyncs + viewers.values.reduce(0) { $0 + $1.queue.resyncs } }

    /// Messages queued for each viewer now (for tests and benchmarks: never above `viewerCapacity`).
    public var queuedCounts: [Int] { viewers.values.map(\.queue.entries.count) }

    // MARK: Viewers

    /// Registers a viewer; its first message is a snapshot. Returns its id for `next` and `disconnect`.
    public func connect() -> Int {
        nextViewerID += 1
        viewers[nextViewerID] = Viewer(queue: ViewerQueue(capacity: viewerCapacity))
        return nextViewerID
    }

    /// The viewer's next message, waiting for one; nil once the viewer is disconnected or the hub closed
    /// (or the calling task is cancelled).
    public func next(_ id: Int) async -> String? {
        guard viewers[id] != nil, !closed else { return nil }
        if let text = take(id) { return text }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                if Task.isCancelled || closed || viewers[id] == nil {
                    continuation.resume(returning: nil)
                } else if let text = take(id) {
                    continuation.resume(returning: text)
                } else {
                    viewers[id]?.waiter = continuation
                }
            }
        } onCancel: {
            Task { await self.wake(id) }
        }
    }

    /// Forgets a viewer (its socket closed).
    public func disconnect(_ id: Int) {
        guard let viewer = viewers.removeValue(forKey: id) else { return }
        pastResyncs += viewer.queue.resyncs
        viewer.waiter?.resume(returning: nil)
    }

    /// Ends every viewer's feed (the server is shutting down) and cancels pending preview announcements.
    public func close() {
        closed = true
        for id in Array(viewers.keys) { disconnect(id) }
        for timer in previewTimers.values { timer.cancel() }
        previewTimers.removeAll()
    }

    private func wake(_ id: Int) {
        guard let waiter = viewers[id]?.waiter else { return }
        viewers[id]?.waiter = nil
        waiter.resume(returning: nil)
    }

    private func take(_ id: Int) -> String? {
        switch viewers[id]?.queue.pop() {
        case .message(let message): return message.text
        case .resync: return Self.text(["type": "snapshot", "snapshot": state.snapshotJSON(at: clock())])
        case nil: return nil
        }
    }

    private func broadcast(_ message: @autoclosure () -> FeedMessage) {
        guard !viewers.isEmpty else { return }
        let message = message()
        for id in viewers.keys {
            if let waiter = viewers[id]?.waiter {
                viewers[id]?.waiter = nil
                if let text = take(id) {
                    // A resync was queued (a brand-new viewer): its snapshot already holds this message.
                    waiter.resume(returning: text)
                } else {
                    waiter.resume(returning: message.text)
                }
            } else {
                viewers[id]?.queue.push(message)
            }
        }
    }

    static func text(_ value: JSONValue) -> String { value.serializedString(.compact) }

    // MARK: Changes

    /// Folds a render event into the state (then the ledger `record` of its panel, when given) and
    /// sends viewers the event with the panel and run header after it, plus any new notice and
    /// changed server card. Previews are kept and announced, throttled, instead.
    public func apply(_ event: RenderEvent, record: PanelRecord? = nil) {
        if case .preview(let panelID, _, let format, let bytes) = event {
            receivePreview(panelID: panelID, format: format, bytes: bytes)
            return
        }
        let now = clock()
        let noticesBefore = state.noticeCount
        let serversBefore = state.servers
        let panelID = state.apply(event, at: now)
        if let record { state.refresh(with: record) }
        switch event {
        case .runFinished: clearPreviews()
        case .completed(let id, _, _), .failed(let id, _), .kept(let id, _): dropPreview(id)
        default: break
        }
        guard !viewers.isEmpty else { return }
        let panel = panelID.flatMap { state.tile($0) }
        broadcast(FeedMessage(text: Self.text([
            "type": "event", "event": event.json, "panel": panel?.json ?? .null, "run": state.runJSON(at: now),
        ])))
        announceChanges(noticesBefore: noticesBefore, serversBefore: serversBefore)
    }

    /// Applies a change the render's events do not carry (a review, a ledger refresh, the run state)
    /// and tells viewers: the panel when `panelID` is given, the run header, new notices, changed cards.
    public func change(panelID: String? = nil, _ body: @Sendable (inout DashboardState) -> Void) {
        let now = clock()
        let noticesBefore = state.noticeCount
        let serversBefore = state.servers
        let runBefore = state.runJSON(at: now)
        body(&state)
        guard !viewers.isEmpty else { return }
        if let panelID, let tile = state.tile(panelID) {
            broadcast(FeedMessage(text: Self.text(["type": "panel", "panel": tile.json, "run": state.runJSON(at: now)])))
        } else {
            let run = state.runJSON(at: now)
            if run != runBefore { broadcast(FeedMessage(text: Self.text(["type": "run", "run": run]))) }
        }
        announceChanges(noticesBefore: noticesBefore, serversBefore: serversBefore)
    }

    /// Replaces the whole state (a reload from the ledger) and sends every viewer a fresh snapshot.
    public func replace(_ body: @Sendable (inout DashboardState) -> Void) {
        body(&state)
        let text = Self.text(["type": "snapshot", "snapshot": state.snapshotJSON(at: clock())])
        broadcast(FeedMessage(text: text))
    }

    private func announceChanges(noticesBefore: Int, serversBefore: [ServerCard]) {
        let added = min(state.noticeCount - noticesBefore, state.notices.count)
        for notice in state.notices.suffix(added) {
            broadcast(FeedMessage(text: Self.text(["type": "notice", "notice": notice.json])))
        }
        for card in state.servers where !serversBefore.contains(card) {
            broadcast(FeedMessage(text: Self.text(["type": "server", "server": card.json])))
        }
    }

    // MARK: Previews

    private var previewInterval: Duration { .milliseconds(1000 / previewsPerSecond) }

    private func receivePreview(panelID: String, format: String, bytes: [UInt8]) {
        guard state.tile(panelID) != nil else { return }
        previewSeq += 1
        previews[panelID] = Preview(bytes: bytes, format: format, seq: previewSeq)
        let now = ContinuousClock.now
        if let last = lastPreviewSent[panelID], now - last < previewInterval {
            guard previewTimers[panelID] == nil else { return }
            let due = last + previewInterval
            previewTimers[panelID] = Task { [weak self] in
                try? await Task.sleep(until: due, clock: .continuous)
                guard !Task.isCancelled else { return }
                await self?.announcePreview(panelID)
            }
            return
        }
        announcePreview(panelID)
    }

    private func announcePreview(_ panelID: String) {
        previewTimers[panelID] = nil
        guard let preview = previews[panelID], !closed else { return }
        lastPreviewSent[panelID] = .now
        state.setPreview(seq: preview.seq, panelID: panelID)
        let url = PanelTile.previewURL(panelID: panelID, seq: preview.seq)
        broadcast(FeedMessage(text: Self.text(["type": "preview", "panel_id": .string(panelID), "url": .string(url)]), isPreview: true))
    }

    /// Forgets every preview (a finished run): the tiles show their images instead.
    private func clearPreviews() {
        for timer in previewTimers.values { timer.cancel() }
        previewTimers.removeAll()
        previews.removeAll()
        lastPreviewSent.removeAll()
        for tile in state.tiles where tile.previewSeq != nil { state.setPreview(seq: nil, panelID: tile.panelID) }
    }

    /// Forgets the preview of one panel (it finished).
    func dropPreview(_ panelID: String) {
        previewTimers.removeValue(forKey: panelID)?.cancel()
        previews[panelID] = nil
        state.setPreview(seq: nil, panelID: panelID)
    }
}

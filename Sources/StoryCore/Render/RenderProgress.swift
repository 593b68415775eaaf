import Foundation

/// The state of a run as a progress display needs it, folded from `RenderEvent`s.
///
/// Feed it every event in order with `apply(_:at:)`; it counts panels done, remembers what each
/// active panel is doing (server, node, step) and estimates the time left from the pace of the
/// panels finished in this process. A value type: a UI keeps one and reads it to draw.
public struct RenderProgress: Sendable {
    /// One panel that is queued or running on a server.
    public struct ActivePanel: Sendable, Hashable {
        /// The panel id.
        public var panelID: String
        /// The server it was queued on.
        public var server: String
        /// True once the server started executing it; false while it waits in the queue.
        public var running: Bool
        /// Prompts ahead of it in the server's queue, when known (only while waiting).
        public var queuePosition: Int?
        /// The node reporting progress, when one did.
        public var node: String?
        /// Sampler steps done at `node`.
        public var step: Int
        /// Sampler steps in total at `node` (0 before the first progress report).
        public var totalSteps: Int
    }

    /// Panels in the run (0 until `.runStarted`).
    public private(set) var total = 0
    /// Panels completed in this process.
    public private(set) var rendered = 0
    /// Panels kept from an earlier run.
    public private(set) var kept = 0
    /// Failed panels and why, in the order they failed.
    public private(set) var failures: [(panelID: String, failure: RenderFailure)] = []
    /// Queued and running panels, in the order they were first queued.
    public private(set) var active: [ActivePanel] = []
    /// Servers currently down and why.
    public private(set) var downServers: [String: String] = [:]
    /// The summary, once `.runFinished` arrived.
    public private(set) var summary: RenderSummary?
    private var startedAt: ContinuousClock.Instant?

    /// An empty progress, before any event.
    public init() {}

    /// Panels finished one way or another (completed, kept or failed).
    public var done: Int { rendered + kept + failures.count }

    /// Folds one event into the state; `now` is when it arrived (it times the run for the estimate).
    public mutating func apply(_ event: RenderEvent, at now: ContinuousClock.Instant = .now) {
        switch event {
        case .runStarted(_, _, let panels, _):
            total = panels
            startedAt = now
        case .planned, .preview, .retrying:
            break
        case .kept:
            kept += 1
        case .queued(let panelID, _, let server, let position):
            let entry = ActivePanel(panelID: panelID, server: server, running: false, queuePosition: position, node: nil, step: 0, totalSteps: 0)
            if let index = active.firstIndex(where: { $0.panelID == panelID }) { active[index] = entry } else { active.append(entry) }
        case .started(let panelID, _, let server):
            if !active.contains(where: { $0.panelID == panelID }) {
                active.append(ActivePanel(panelID: panelID, server: server, running: true, queuePosition: nil, node: nil, step: 0, totalSteps: 0))
            }
            update(panelID) { $0.running = true; $0.server = server; $0.queuePosition = nil }
        case .progress(let panelID, _, let node, let step, let totalSteps):
            update(panelID) { $0.running = true; $0.node = node; $0.step = step; $0.totalSteps = totalSteps; $0.queuePosition = nil }
        case .completed(let panelID, _, _):
            rendered += 1
            active.removeAll { $0.panelID == panelID }
        case .failed(let panelID, let failure):
            failures.append((panelID, failure))
            active.removeAll { $0.panelID == panelID }
        case .serverUp(let server):
            downServers[server] = nil
        case .serverDown(let server, let reason):
            downServers[server] = reason
        case .runFinished(let summary):
            self.summary = summary
            active.removeAll()
        }
    }

    /// Time since `.runStarted` (zero before it).
    public func elapsed(at now: ContinuousClock.Instant = .now) -> Duration {
        startedAt.map { now - $0 } ?? .zero
    }

    /// The estimated time until every panel is finished, from the pace of panels finished in this
    /// process; nil until one has finished, or when nothing is left.
    public func estimatedRemaining(at now: ContinuousClock.Instant = .now) -> Duration? {
        let finishedHere = rendered + failures.count
        let left = total - done
        guard finishedHere > 0, left > 0 else { return nil }
        return elapsed(at: now) / finishedHere * left
    }

    private mutating func update(_ panelID: String, _ change: (inout ActivePanel) -> Void) {
        guard let index = active.firstIndex(where: { $0.panelID == panelID }) else { return }
        change(&active[index])
    }
}

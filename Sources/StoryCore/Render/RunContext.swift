import ComfyAPI
import Foundation
import Logging

/// What every panel task of one run shares.
struct RunContext: Sendable {
    let runID: String
    let options: RenderOptions
    let ledger: Ledger
    let store: OutputStore
    let pool: ServerPool
    let recorder: RunRecorder
    let events: AsyncStream<RenderEvent>.Continuation
    let logger: Logger
    /// The `<spec>` of the master sheet's hand-off file `grid_<spec>` (see `HandOff.gridSpec(of:)`).
    var handoffGridSpec = "3x3"

    func emit(_ event: RenderEvent) { events.yield(event) }
}

/// A panel waiting for a server.
struct WorkItem: Sendable {
    let job: RenderJob
    /// The server holding prompts of this panel from an earlier process (resume), if any.
    var preferredServer: String?
    /// Prompts of an earlier process to look up on `preferredServer` before submitting anything.
    var adopt: [PromptRecord]
    /// Times the panel went back to the queue after a server failed.
    var requeues = 0
    /// The last reason it went back.
    var lastReason: String?
    /// Quality redos the panel had in this run (`render --qa redo:N`).
    var qualityRedos = 0
    /// For a shot clip whose key panel renders in this run: that panel's id; the clip waits for it.
    var waitsFor: String?
}

/// How a panel task ended.
enum PanelOutcome: Sendable {
    /// Every image is stored.
    case completed(panelID: String)
    /// The panel failed for good.
    case failed(panelID: String, RenderFailure)
    /// The panel goes back to the queue: its server failed (and is marked down), or its images
    /// must be fetched again.
    case requeue(WorkItem, reason: RetryReason)
    /// The run was cancelled while the panel was in progress.
    case cancelled(panelID: String)
}

import Foundation

/// Something that happened during a render run, for a progress display or any UI.
///
/// Read them from `Renderer.events`. The library prints nothing: turning these into text or JSON
/// lines is the caller's job. Events of different panels interleave; each names its panel.
public enum RenderEvent: Sendable, Hashable {
    /// The run began: its id, whether it resumes an earlier run, the number of panels and the servers.
    case runStarted(runID: String, resumed: Bool, panels: Int, servers: [String])
    /// A panel will be rendered with this seed and batch size.
    case planned(panelID: String, seed: UInt64, batchSize: Int)
    /// A panel was already completed by an earlier run and its files are intact; it is not rendered again.
    case kept(panelID: String, files: [StoredFile])
    /// A prompt for the panel is queued on a server; `position` is the number of this run's prompts ahead of
    /// it there (0: it runs next), when known. Other clients' prompts on a shared server are not counted.
    case queued(panelID: String, promptID: String, server: String, position: Int?)
    /// The server started executing the panel's prompt.
    case started(panelID: String, promptID: String, server: String)
    /// A sampler step finished: `step` of `total` at node `node`.
    case progress(panelID: String, promptID: String, node: String?, step: Int, total: Int)
    /// A preview image of the panel in progress (`format` is `jpeg`, `png` or `webp`).
    case preview(panelID: String, promptID: String, format: String, bytes: [UInt8])
    /// The panel is retried after a recoverable problem (`reason`), for example freed memory after out-of-memory.
    case retrying(panelID: String, reason: RetryReason)
    /// Every image of the panel is on disk with its checksum.
    case completed(panelID: String, files: [StoredFile], notes: [PanelNote])
    /// The panel failed; the run continues with the others.
    case failed(panelID: String, failure: RenderFailure)
    /// A server is healthy and takes jobs (at start, or after rejoining).
    case serverUp(server: String)
    /// A server failed or disappeared; its jobs move to the others.
    case serverDown(server: String, reason: String)
    /// The run ended; no event follows.
    case runFinished(RenderSummary)
}

/// The outcome of a run.
public struct RenderSummary: Sendable, Hashable {
    /// The run id (the same across resumed runs).
    public var runID: String
    /// Panels in the run.
    public var total: Int
    /// Panels rendered in this process.
    public var rendered: Int
    /// Panels completed by an earlier run and kept.
    public var kept: Int
    /// Panels that failed, with the reason.
    public var failures: [String: RenderFailure]
    /// Panels neither completed nor failed (the run was cancelled).
    public var pending: Int
    /// True when the run was cancelled before every panel finished.
    public var cancelled: Bool
    /// Wall-clock duration of the run.
    public var duration: Duration
    /// `outputs/manifest.json`.
    public var manifest: URL
    /// The panels this run was asked to redo, with the version each now has (1 when the panel had
    /// never rendered, so the redo was its first render). Empty without `RenderOptions.redo`.
    public var redone: [String: Int] = [:]
    /// How many times the run wrote `manifest.json` and `project.json` (in the background and at its ends).
    public var manifestWrites = 0
    /// CPU seconds those writes took.
    public var manifestWriterCPUSeconds = 0.0

    /// Creates a summary.
    public init(runID: String, total: Int, rendered: Int, kept: Int, failures: [String: RenderFailure], pending: Int,
                cancelled: Bool, duration: Duration, manifest: URL) {
        self.runID = runID
        self.total = total
        self.rendered = rendered
        self.kept = kept
        self.failures = failures
        self.pending = pending
        self.cancelled = cancelled
        self.duration = duration
        self.manifest = manifest
    }

    /// Panels completed, by this run or kept from an earlier one.
    public var completed: Int { rendered + kept }
    /// True when every panel completed.
    public var succeeded: Bool { completed == total && failures.isEmpty && !cancelled }
}

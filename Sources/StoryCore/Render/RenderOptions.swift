import ComfyAPI
import ComfyWorkflow
import Foundation
import StoryCoreImaging

/// How a run renders: which servers, which workflow, how much in flight, which panels.
///
/// Every field has a documented default; a project renders on one server with only `servers` set.
public struct RenderOptions: Sendable {
    /// Where the base workflow comes from.
    public enum WorkflowSource: Sendable, Hashable {
        /// The SDXL workflow compiled into the library (`BundledWorkflow`, a copy of `workflows/storycore_sdxl.json`).
        case bundled
        /// An API-format (or convertible UI-format) JSON file.
        case file(URL)
        /// A graph already in memory.
        case graph(Workflow)
    }

    /// The ComfyUI servers, as client configurations (base URL, authentication, timeouts, retry).
    public var servers: [ComfyClient.Configuration]
    /// The base workflow (default `.bundled`).
    public var workflow: WorkflowSource
    /// Prompts kept on each server at once: one running and the rest waiting, so no GPU idles
    /// between panels (default 2).
    public var maxInFlightPerServer: Int
    /// Forget the ledger and render everything again (default false: resume).
    public var fresh: Bool
    /// The low-VRAM policy (default `.standard`: below 12 GiB); `.off` is `--no-memory-policy`.
    public var memoryPolicy: MemoryPolicy
    /// Only these panels (default nil: every panel, unless `shotSelection` or `redo` narrow it).
    /// Each entry is a panel id, or a shot id selecting every panel mapped to that shot; an id that
    /// is neither makes `run()` throw `RenderError.selection` before anything is contacted.
    public var panelSelection: Set<String>?
    /// Also (or only, when `panelSelection` is nil) every panel mapped to these shot ids
    /// (default empty). An unknown shot id is an error, as for `panelSelection`.
    public var shotSelection: Set<String> = []
    /// Panels to render again as a new version even though they are completed, by panel or shot id,
    /// each with the prompt or seed override of that version (an empty `PanelOverride` keeps the
    /// project's). Redone panels are rendered whatever the selection. Default empty.
    ///
    /// Version N+1 goes to `outputs/<panel_id>/v<N+1>/`; every earlier version's files stay. The
    /// request is recorded in the ledger before anything is submitted, so a killed redo resumes
    /// the same version (with a plain render or the same redo) instead of starting another. A
    /// panel that never completed is rendered as version 1.
    public var redo: [String: PanelOverride] = [:]
    /// Shot clips made from each shot's key panel (`render --clip-workflow`); nil makes none (default).
    public var clips: ClipOptions?
    /// What the quality gate does (`render --qa`; default `.report`: every PNG measured, verdicts recorded).
    public var quality: QualityPolicy = .report
    /// The quality gate's limits (`render --min-sharpness` sets `minSharpness`; defaults as documented there).
    public var qualityThresholds = QualityThresholds()
    /// Hand each completed panel's current image on to StoryCore's layout (`assets/images/panels/`,
    /// `assets/images/grids/`, `asset_manifest.panels`, `panel_to_shot_map`, `grid`); default true,
    /// `render --no-handoff` turns it off.
    public var handoff = true
    /// Images per panel; nil keeps the workflow's latent `batch_size` (default nil).
    public var batchSize: Int?
    /// Explicit `node.input=value` settings applied after injection (default none).
    public var overrides: [NodeInputOverride]
    /// Prefix of server-side file names; the panel id is appended (default `"storycore"`).
    public var filenamePrefix: String
    /// Times a panel is resubmitted after transport errors, lost prompts or a server going down
    /// before it fails (default 4).
    public var maxTransportRetries: Int
    /// How often a down server is probed to see whether it can rejoin (default 1 s).
    public var healthCheckInterval: Duration
    /// How long the run waits with every server down before failing the remaining panels (default 60 s).
    public var allServersDownTimeout: Duration
    /// Largest output file accepted (default 1 GiB).
    public var maxFileBytes: Int64
    /// How servers render sampler previews, reported as `.preview` events (default `.latent2rgb`;
    /// `.none` asks for none).
    public var previewMethod: PreviewMethod
    /// Ask servers for preview images (`previewMethod` other than `.none`); setting it to true picks
    /// `.latent2rgb`, to false `.none`.
    public var previews: Bool {
        get { previewMethod != .none }
        set { previewMethod = newValue ? (previewMethod == .none ? .latent2rgb : previewMethod) : .none }
    }

    /// Creates options; only `servers` is required.
    public init(
        servers: [ComfyClient.Configuration],
        workflow: WorkflowSource = .bundled,
        maxInFlightPerServer: Int = 2,
        fresh: Bool = false,
        memoryPolicy: MemoryPolicy = .standard,
        panelSelection: Set<String>? = nil,
        batchSize: Int? = nil,
        overrides: [NodeInputOverride] = [],
        filenamePrefix: String = "storycore",
        maxTransportRetries: Int = 4,
        healthCheckInterval: Duration = .seconds(1),
        allServersDownTimeout: Duration = .seconds(60),
        maxFileBytes: Int64 = 1 << 30,
        previews: Bool = true
    ) {
        self.servers = servers
        self.workflow = workflow
        self.maxInFlightPerServer = maxInFlightPerServer
        self.fresh = fresh
        self.memoryPolicy = memoryPolicy
        self.panelSelection = panelSelection
        self.batchSize = batchSize
        self.overrides = overrides
        self.filenamePrefix = filenamePrefix
        self.maxTransportRetries = maxTransportRetries
        self.healthCheckInterval = healthCheckInterval
        self.allServersDownTimeout = allServersDownTimeout
        self.maxFileBytes = maxFileBytes
        self.previewMethod = previews ? .latent2rgb : .none
    }

    /// Options for servers given by base URL with default client settings.
    public init(serverURLs: [URL], workflow: WorkflowSource = .bundled) {
        self.init(servers: serverURLs.map { ComfyClient.Configuration(baseURL: $0) }, workflow: workflow)
    }
}

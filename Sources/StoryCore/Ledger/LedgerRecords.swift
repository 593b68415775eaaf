import ComfyAPI
import Foundation
import StoryCoreImaging

/// Where a panel stands in a run, as the ledger records it.
public enum PanelState: String, Sendable, Hashable, CaseIterable {
    /// Planned, nothing submitted yet (or everything submitted was lost and must be sent again).
    case planned
    /// At least one prompt for the panel was recorded for submission.
    case submitted
    /// Every image is on disk with its checksum.
    case completed
    /// The panel failed; `PanelRecord.failure` says why.
    case failed
}

/// One image kept on disk for a panel.
public struct StoredFile: Sendable, Hashable {
    /// The path relative to the project folder, `outputs/<panel_id>/<file>`.
    public var path: String
    /// The graph node that produced it.
    public var nodeID: String
    /// Its size in bytes.
    public var bytes: Int64
    /// Its SHA-256, lower-case hex.
    public var sha256: String
    /// Its media type (`image/png`, `video/mp4`, `audio/flac`, …; see `MediaType.of(filename:format:)`).
    public var mediaType: String
    /// True for a moving picture (an animated WEBP, PNG or GIF, or a video).
    public var animated: Bool
    /// Frames per second, when the server reported it.
    public var frameRate: Double?
    /// The quality gate's verdict and figures for a still PNG (nil for other media, or with `--qa off`).
    public var quality: QualityReport?

    /// Creates a record; `mediaType` defaults to the one the path's extension gives.
    public init(path: String, nodeID: String, bytes: Int64, sha256: String, mediaType: String? = nil, animated: Bool = false,
                frameRate: Double? = nil, quality: QualityReport? = nil) {
        self.path = path
        self.nodeID = nodeID
        self.bytes = bytes
        self.sha256 = sha256
        self.mediaType = mediaType ?? MediaType.of(filename: path).name
        self.animated = animated
        self.frameRate = frameRate
        self.quality = quality
    }
}

/// Everything the ledger knows about one panel; the manifest is written from these.
public struct PanelRecord: Sendable, Hashable {
    /// The panel id.
    public var panelID: String
    /// Render order.
    public var position: Int
    /// The shot id (nil for the master sheet).
    public var shotID: String?
    /// A digest of everything that determines the images (graph, prompt, seed, size, batch); a
    /// changed digest on a rerun means the panel is rendered again.
    public var fingerprint: String
    /// The positive prompt.
    public var prompt: String
    /// The negative prompt.
    public var negativePrompt: String?
    /// The seed of the first image.
    public var seed: UInt64
    /// Width in pixels.
    public var width: Int
    /// Height in pixels.
    public var height: Int
    /// Images requested.
    public var batchSize: Int
    /// The state.
    public var state: PanelState
    /// Submission rounds so far.
    public var attempts: Int
    /// The latest prompt id.
    public var promptID: String?
    /// The server of the latest prompt.
    public var server: String?
    /// Notes such as `.outOfMemoryBatchSplit` ("batch split after out-of-memory").
    public var notes: [PanelNote]
    /// Why it failed, when it did.
    public var failure: RenderFailure?
    /// The images, when completed.
    public var files: [StoredFile]
    /// When the first prompt was queued.
    public var queuedAt: Date?
    /// When the server started executing it.
    public var startedAt: Date?
    /// When execution finished.
    public var finishedAt: Date?
    /// When the last file was stored.
    public var downloadedAt: Date?
    /// The version this record renders (1 for the first render; a redo makes the next one).
    public var version: Int = 1
    /// The prompt or seed override of this version, when it was requested with one.
    public var override: PanelOverride?
    /// Earlier versions, oldest first (empty until the panel is redone).
    public var history: [PanelVersion] = []
    /// The latest review of the panel (the dashboard's approve or reject), when it has one.
    public var review: PanelReview?
    /// For a shot clip job (its `panelID` is the shot id): the key panel and frames; nil for a panel.
    public var clip: ClipRecord?

    /// The contract's asset id of this version, `<panel_id>_comfyui_v<version>`.
    public var assetID: String { PanelVersion.assetID(panelID: panelID, version: version) }

    /// Creates a planned record.
    public init(panelID: String, position: Int, shotID: String?, fingerprint: String, prompt: String, negativePrompt: String?,
                seed: UInt64, width: Int, height: Int, batchSize: Int) {
        self.panelID = panelID
        self.position = position
        self.shotID = shotID
        self.fingerprint = fingerprint
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.width = width
        self.height = height
        self.batchSize = batchSize
        self.state = .planned
        self.attempts = 0
        self.notes = []
        self.files = []
    }
}

/// Where one submitted prompt stands.
public enum PromptState: String, Sendable, Hashable {
    /// Recorded before `POST /prompt`; the server may or may not have it.
    case recorded
    /// The server accepted it.
    case accepted
    /// It finished and its files were collected.
    case completed
    /// It failed, was interrupted, or the server lost it; a new attempt has its own prompt id.
    case abandoned
}

/// One prompt sent (or about to be sent) for a panel: a whole batch, or one part of a split batch.
public struct PromptRecord: Sendable, Hashable {
    /// The client-chosen prompt id, deterministic per (run, panel, attempt, part).
    public var promptID: String
    /// The panel.
    public var panelID: String
    /// The attempt number, from 1.
    public var attempt: Int
    /// The part of a split batch, from 0 (0 for an unsplit batch).
    public var part: Int
    /// The index of this part's first image within the panel's batch (its seed is panel seed + index).
    public var firstImage: Int
    /// Images this prompt produces.
    public var imageCount: Int
    /// The server's base URL.
    public var server: String
    /// The state.
    public var state: PromptState
    /// When it was recorded.
    public var createdAt: Date

    /// Creates a record in state `recorded`.
    public init(promptID: String, panelID: String, attempt: Int, part: Int, firstImage: Int, imageCount: Int, server: String, createdAt: Date = Date()) {
        self.promptID = promptID
        self.panelID = panelID
        self.attempt = attempt
        self.part = part
        self.firstImage = firstImage
        self.imageCount = imageCount
        self.server = server
        self.state = .recorded
        self.createdAt = createdAt
    }
}

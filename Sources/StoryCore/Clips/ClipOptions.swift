import ComfyWorkflow
import Foundation

/// How a run turns each shot's key panel into a clip of the shot's length (`render --clip-workflow`).
///
/// After a shot's key panel is completed (its first panel, or the one named in `keyPanels`) and,
/// when it has a review, approved, its current image is uploaded to the server rendering the clip,
/// put into the clip graph's `LoadImage`, and the frame count is set from the shot's
/// `duration_seconds` × the graph's frame rate (see `ClipGraph`). The clip is a job like a panel,
/// with the shot id as its id: ledger, resume, routing, out-of-memory ladder and versions, its files
/// in `outputs/<shot_id>/`.
public struct ClipOptions: Sendable, Hashable {
    /// The image-to-video graph (API format, or a UI export converted with the server's catalogue).
    public var workflow: RenderOptions.WorkflowSource
    /// Key panels chosen instead of a shot's first panel, by panel id (each names its own shot).
    public var keyPanels: [String]
    /// The frame-count input, when the graph analysis finds none (it wins when given).
    public var lengthInput: NodeInputReference?
    /// Shots whose clip is rendered again as a new version (`--redo shot_03 --clip`), each with the
    /// prompt or seed override of that version (an empty `PanelOverride` keeps the shot's).
    public var redo: [String: PanelOverride]
    /// The upload subfolder on the server (default `storycore`).
    public var uploadSubfolder: String
    /// Largest key-panel image uploaded, in bytes (default 100 MiB, ComfyUI's default request limit).
    public var maxUploadBytes: Int
    /// The duration of a shot without `duration_seconds` (default 6, StoryCore's).
    public var defaultDurationSeconds: Double

    /// Creates clip options; only the workflow is required.
    public init(workflow: RenderOptions.WorkflowSource, keyPanels: [String] = [], lengthInput: NodeInputReference? = nil,
                redo: [String: PanelOverride] = [:], uploadSubfolder: String = "storycore", maxUploadBytes: Int = 100 << 20,
                defaultDurationSeconds: Double = 6) {
        self.workflow = workflow
        self.keyPanels = keyPanels
        self.lengthInput = lengthInput
        self.redo = redo
        self.uploadSubfolder = uploadSubfolder
        self.maxUploadBytes = maxUploadBytes
        self.defaultDurationSeconds = defaultDurationSeconds
    }
}

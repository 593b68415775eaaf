import ComfyWorkflow

/// An exception a simulated node raises, shaped like the Python exception ComfyUI would report.
struct NodeFailure: Error, Sendable {
    /// `exception_type`, e.g. `RuntimeError` or `torch.OutOfMemoryError`.
    let type: String
    /// `str(exception)` without ComfyUI's trailing newline and tips.
    let message: String
    /// True for out-of-memory errors (ComfyUI appends its tip and unloads every model).
    let isOutOfMemory: Bool
    /// The node method that raised, for the last traceback frame.
    let frame: String

    static func runtime(_ message: String, frame: String = "    raise RuntimeError(message)") -> NodeFailure {
        NodeFailure(type: "RuntimeError", message: message, isOutOfMemory: false, frame: frame)
    }
}

/// Where a saving node writes its batch.
struct SaveRequest: Sendable {
    /// `output` (SaveImage) or `temp` (PreviewImage).
    let folderType: String
    /// The raw `filename_prefix` (SaveImage) or the temp prefix (PreviewImage).
    let prefix: String
    /// The images to write.
    let images: ImageSpec
}

/// What running one node amounts to in the simulation: its outputs and the work it pretends to do.
struct NodeWork: Sendable {
    /// The node's outputs, one per `RETURN_TYPES` slot.
    var outputs: [SimValue] = []
    /// Progress ticks to report (0 = a node without a progress bar).
    var steps: Int = 0
    /// The first tick's value minus one (KSamplerAdvanced may start part-way).
    var firstStep: Int = 0
    /// `max` of the progress messages.
    var progressMax: Int = 0
    /// Time per tick; nil uses the timing model's `perStep`.
    var stepDuration: Duration?
    /// Model files this node loads (slow on first use).
    var loads: [String] = []
    /// Simulated device memory the node needs.
    var workingSet: UInt64 = 0
    /// True for samplers: they send preview frames when previews are on.
    var previews: Bool = false
    /// The image the previews show.
    var previewSpec: ImageSpec?
    /// Raise this instead of producing outputs.
    var failure: NodeFailure?
    /// Files to write (UI output).
    var save: SaveRequest?
    /// One animation, video or audio file (or one per waveform) to write instead (UI output).
    var media: MediaSave?
}

import ComfyWorkflow
import StoryCoreImaging

/// Something worth knowing about how a panel was rendered, recorded in the ledger and written to
/// the manifest: an out-of-memory recovery, a prompt an earlier run left behind, a redo.
///
/// Each case has a stable `code` (the manifest's `note_codes`, documented in the README); `text`
/// is the English sentence for people (the manifest's `notes`). Programs match on the case or the
/// code, never on the text.
public enum PanelNote: Sendable, Hashable {
    /// The server has less device memory than the low-VRAM threshold; its rules were applied.
    case lowVRAMPolicy(vramTotal: UInt64)
    /// Under the low-VRAM rules, a batch was sent as one-image prompts (image k uses seed + k).
    case batchSentAsSingleImages(batchSize: Int)
    /// Out of memory at a node: the server's memory was freed and the prompt retried unchanged.
    case outOfMemoryFreedMemory(nodeID: String, nodeType: String)
    /// Out of memory again: the remaining images were sent as one-image prompts.
    case outOfMemoryBatchSplit(images: Int)
    /// Out of memory again: the graph decodes with `VAEDecodeTiled`.
    case outOfMemoryTiledDecode
    /// The server lost a prompt (a restart) and it was submitted again.
    case promptLostResubmitted
    /// A prompt of an earlier run was interrupted when that run was cancelled; rendered again.
    case earlierPromptInterrupted
    /// A prompt of an earlier run could not be collected for `reason`; rendered again.
    case earlierPromptUnusable(reason: String)
    /// A prompt of an earlier run was still running on another server: interrupted there, rendered here.
    case earlierPromptInterruptedElsewhere(promptID: String, server: String, renderedOn: String)
    /// A prompt of an earlier run was unknown to its server (restart?): rendered here.
    case earlierPromptLostElsewhere(promptID: String, server: String, renderedOn: String)
    /// A prompt of an earlier run is on a server that did not answer: rendered here, so it may have rendered there too.
    case earlierPromptUnanswered(promptID: String, server: String, renderedOn: String, reason: String)
    /// A prompt of an earlier run went to a server this run cannot reach at all: rendered here.
    case earlierPromptUnreachable(promptID: String, server: String, renderedOn: String)
    /// Prompt, seed, size or workflow changed since a completed version, so the panel renders as a new version.
    case renderedAsNewVersion(version: Int, previous: Int)
    /// A redo asked for `version`; the completed `kept` version stays in `keptFolder`.
    case redoNewVersion(version: Int, kept: Int, keptFolder: String, prompt: String?, seed: UInt64?)
    /// A redo asked again for an unfinished version; earlier versions are kept.
    case redoResumed(version: Int, prompt: String?, seed: UInt64?)
    /// A redo of a panel that had never rendered: rendered as version 1.
    case redoFirstRender(prompt: String?, seed: UInt64?)
    /// The images are byte-identical to `version`'s (ComfyUI answered from its cache).
    case sameImagesAs(version: Int)
    /// A VideoHelperSuite node answered `unfinished_batch` (a Meta Batch Manager batch that is not the
    /// last): it saved no file, and ComfyBridge does not queue the prompt again for the next batch.
    case unfinishedBatch(nodeIDs: [String])
    /// A stored file's extension names no media type ComfyBridge knows: it is kept as
    /// `application/octet-stream`, with no check of its first bytes.
    case unknownMediaType(path: String)
    /// The quality gate found a stored image failing (`blank`, `dark`, `washed_out` or `soft`).
    case qualityFailed(path: String, verdict: QualityVerdict, sharpness: Double)
    /// The quality gate's redo `k` of `of`: the version before failed with `verdict`, so `version`
    /// renders with `seed` (the first version's seed + k); every version is kept.
    case qualityRedo(k: Int, of: Int, verdict: QualityVerdict, version: Int, seed: UInt64)
    /// Still failing the quality gate (`verdict`) after `redos` redos: completed with it, every version kept.
    case qualityStillFailing(verdict: QualityVerdict, redos: Int)
    /// A note written by an older ComfyBridge as free text.
    case text(String)

    /// The stable codes of notes, as the manifest's `note_codes` writes them.
    public enum Code: String, Sendable, Hashable, CaseIterable {
        /// The code of `PanelNote.lowVRAMPolicy`.
        case lowVRAMPolicy = "low_vram_policy"
        /// The code of `PanelNote.batchSentAsSingleImages`.
        case batchSentAsSingleImages = "low_vram_single_images"
        /// The code of `PanelNote.outOfMemoryFreedMemory`.
        case outOfMemoryFreedMemory = "oom_memory_freed"
        /// The code of `PanelNote.outOfMemoryBatchSplit`.
        case outOfMemoryBatchSplit = "oom_batch_split"
        /// The code of `PanelNote.outOfMemoryTiledDecode`.
        case outOfMemoryTiledDecode = "oom_tiled_decode"
        /// The code of `PanelNote.promptLostResubmitted`.
        case promptLostResubmitted = "prompt_lost_resubmitted"
        /// The code of `PanelNote.earlierPromptInterrupted`.
        case earlierPromptInterrupted = "earlier_prompt_interrupted"
        /// The code of `PanelNote.earlierPromptUnusable`.
        case earlierPromptUnusable = "earlier_prompt_unusable"
        /// The code of `PanelNote.earlierPromptInterruptedElsewhere`.
        case earlierPromptInterruptedElsewhere = "earlier_prompt_interrupted_elsewhere"
        /// The code of `PanelNote.earlierPromptLostElsewhere`.
        case earlierPromptLostElsewhere = "earlier_prompt_lost_elsewhere"
        /// The code of `PanelNote.earlierPromptUnanswered`.
        case earlierPromptUnanswered = "earlier_prompt_unanswered"
        /// The code of `PanelNote.earlierPromptUnreachable`.
        case earlierPromptUnreachable = "earlier_prompt_unreachable"
        /// The code of `PanelNote.renderedAsNewVersion`.
        case renderedAsNewVersion = "rendered_as_new_version"
        /// The code of `PanelNote.redoNewVersion`.
        case redoNewVersion = "redo_new_version"
        /// The code of `PanelNote.redoResumed`.
        case redoResumed = "redo_resumed"
        /// The code of `PanelNote.redoFirstRender`.
        case redoFirstRender = "redo_first_render"
        /// The code of `PanelNote.sameImagesAs`.
        case sameImagesAs = "same_images"
        /// The code of `PanelNote.unfinishedBatch`.
        case unfinishedBatch = "unfinished_batch"
        /// The code of `PanelNote.unknownMediaType`.
        case unknownMediaType = "unknown_media_type"
        /// The code of `PanelNote.qualityFailed`.
        case qualityFailed = "quality_failed"
        /// The code of `PanelNote.qualityRedo`.
        case qualityRedo = "quality_redo"
        /// The code of `PanelNote.qualityStillFailing`.
        case qualityStillFailing = "quality_still_failing"
        /// The code of `PanelNote.text`.
        case text = "text"

        /// True for the codes that say the out-of-memory ladder took a step.
        public var isOutOfMemoryRecovery: Bool {
            switch self {
            case .outOfMemoryFreedMemory, .outOfMemoryBatchSplit, .outOfMemoryTiledDecode: true
            default: false
            }
        }

        /// True for the codes that explain why a panel was submitted again after a prompt of it
        /// was given up (lost, interrupted, unusable, or left on another server).
        public var explainsResubmission: Bool {
            switch self {
            case .promptLostResubmitted, .earlierPromptInterrupted, .earlierPromptUnusable, .earlierPromptInterruptedElsewhere,
                 .earlierPromptLostElsewhere, .earlierPromptUnanswered, .earlierPromptUnreachable:
                true
            default:
                false
            }
        }
    }

    /// The stable code of the note.
    public var code: Code {
        switch self {
        case .lowVRAMPolicy: .lowVRAMPolicy
        case .batchSentAsSingleImages: .batchSentAsSingleImages
        case .outOfMemoryFreedMemory: .outOfMemoryFreedMemory
        case .outOfMemoryBatchSplit: .outOfMemoryBatchSplit
        case .outOfMemoryTiledDecode: .outOfMemoryTiledDecode
        case .promptLostResubmitted: .promptLostResubmitted
        case .earlierPromptInterrupted: .earlierPromptInterrupted
        case .earlierPromptUnusable: .earlierPromptUnusable
        case .earlierPromptInterruptedElsewhere: .earlierPromptInterruptedElsewhere
        case .earlierPromptLostElsewhere: .earlierPromptLostElsewhere
        case .earlierPromptUnanswered: .earlierPromptUnanswered
        case .earlierPromptUnreachable: .earlierPromptUnreachable
        case .renderedAsNewVersion: .renderedAsNewVersion
        case .redoNewVersion: .redoNewVersion
        case .redoResumed: .redoResumed
        case .redoFirstRender: .redoFirstRender
        case .sameImagesAs: .sameImagesAs
        case .unfinishedBatch: .unfinishedBatch
        case .unknownMediaType: .unknownMediaType
        case .qualityFailed: .qualityFailed
        case .qualityRedo: .qualityRedo
        case .qualityStillFailing: .qualityStillFailing
        case .text: .text
        }
    }

    /// True for the notes that say the out-of-memory ladder took a step.
    public var isOutOfMemoryRecovery: Bool { code.isOutOfMemoryRecovery }

    /// True for the notes that explain why a panel was submitted again after a prompt of it was given up.
    public var explainsResubmission: Bool { code.explainsResubmission }

    /// The sentence for people, as the manifest's `notes` has it.
    public var text: String {
        switch self {
        case .lowVRAMPolicy(let vramTotal):
            let gib = (Double(vramTotal) / Double(1 << 30) * 10).rounded() / 10
            return "low-VRAM policy (\(gib) GiB < 12 GiB): batch size 1, sampler euler, at most 20 steps"
        case .batchSentAsSingleImages(let batchSize):
            return "low-VRAM policy sent the batch of \(batchSize) as one-image prompts; image k uses seed + k"
        case .outOfMemoryFreedMemory(let nodeID, let nodeType):
            return "out-of-memory at node \(nodeID) (\(nodeType)): freed server memory and retried"
        case .outOfMemoryBatchSplit(let images):
            return "batch split after out-of-memory: \(images) one-image prompts; image k uses seed + k"
        case .outOfMemoryTiledDecode:
            return "VAEDecodeTiled used after out-of-memory"
        case .promptLostResubmitted:
            return "prompt lost by the server (restart?) and submitted again"
        case .earlierPromptInterrupted:
            return "prompt interrupted when the earlier run was cancelled; rendered again"
        case .earlierPromptUnusable(let reason):
            return "prompt of the earlier run not usable (\(reason)); rendered again"
        case .earlierPromptInterruptedElsewhere(let id, let server, let here):
            return "prompt \(id) of an earlier run was still running on \(server): interrupted there and rendered again on \(here)"
        case .earlierPromptLostElsewhere(let id, let server, let here):
            return "prompt \(id) of an earlier run lost by \(server) (restart?): rendered again on \(here)"
        case .earlierPromptUnanswered(let id, let server, let here, let reason):
            return "prompt \(id) of an earlier run is on \(server), which did not answer (\(reason)); rendered again on \(here), so it may have rendered there too"
        case .earlierPromptUnreachable(let id, let server, let here):
            return "prompt \(id) of an earlier run was sent to \(server), which cannot be reached from this run; rendered again on \(here)"
        case .renderedAsNewVersion(let version, let previous):
            return "rendered as version \(version): prompt, seed, size or workflow changed since version \(previous), which is kept"
        case .redoNewVersion(let version, let kept, let folder, let prompt, let seed):
            return "redo: version \(version) requested; version \(kept) kept in \(folder)/" + Self.overrideText(prompt, seed)
        case .redoResumed(let version, let prompt, let seed):
            return "redo: version \(version) requested; earlier versions kept" + Self.overrideText(prompt, seed)
        case .redoFirstRender(let prompt, let seed):
            return "redo requested but the panel had never rendered: rendered as version 1" + Self.overrideText(prompt, seed)
        case .sameImagesAs(let version):
            return "same images as version \(version) (same prompt, seed and graph; ComfyUI may have answered from its cache): "
                + "pass a seed or prompt override to get a different image"
        case .unfinishedBatch(let nodeIDs):
            return "node \(nodeIDs.joined(separator: ", ")) reported an unfinished VideoHelperSuite batch (Meta Batch Manager): "
                + "no file for it; ComfyBridge does not queue the prompt again for the next batch"
        case .unknownMediaType(let path):
            return "\(path): unknown file type, kept as application/octet-stream without a check of its first bytes"
        case .qualityFailed(let path, let verdict, let sharpness):
            return "\(path): quality verdict \(verdict.rawValue) (sharpness \(Self.figure(sharpness)))"
        case .qualityRedo(let k, let of, let verdict, let version, let seed):
            return "quality redo \(k) of \(of): version \(version - 1) was \(verdict.rawValue); version \(version) renders with seed \(seed) (first seed + \(k)); every version is kept"
        case .qualityStillFailing(let verdict, let redos):
            return "still \(verdict.rawValue) after \(redos) quality redo\(redos == 1 ? "" : "s"): completed with that verdict; every version is kept"
        case .text(let text):
            return text
        }
    }

    private static func figure(_ value: Double) -> String {
        String((value * 10).rounded() / 10)
    }

    private static func overrideText(_ prompt: String?, _ seed: UInt64?) -> String {
        var text = ""
        if let prompt { text += "; prompt overridden for this version: \"\(prompt)\"" }
        if let seed { text += "; seed overridden for this version: \(seed)" }
        return text
    }
}

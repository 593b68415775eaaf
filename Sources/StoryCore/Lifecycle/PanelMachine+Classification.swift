import ComfyAPI
import StoryCoreImaging

extension PanelMachine {
    /// True for errors that say the server, not the prompt, is in trouble: the panel moves to
    /// another server and this one is marked down.
    static func isServerFailure(_ error: ComfyError) -> Bool {
        switch error {
        case .transport, .stalled, .shutDown, .responseTooLarge, .malformedReply: return true
        case .httpStatus(_, let status, _): return status >= 500 || status == 429 || status == 408
        default: return false
        }
    }

    /// True when a prompt withdrawn on cancel can never run (it was removed from the queue), so the
    /// ledger abandons it and the next run does not look it up and mistake it for one the server
    /// lost. An interrupted prompt stays open: the interrupt may have come too late, and the next
    /// run collects its result rather than render the panel twice.
    static func withdrawalEndsPrompt(_ outcome: WithdrawOutcome) -> Bool {
        outcome == .removedFromQueue
    }

    /// The panel's failure for a server error that ends it.
    static func failure(for error: ComfyError) -> RenderFailure {
        switch error {
        case .validation(let v):
            let node = v.nodeErrors.first
            return RenderFailure(kind: .validation, message: v.description, nodeID: node?.nodeID ?? v.nodeID, nodeType: node?.classType)
        case .execution(let f):
            return RenderFailure(kind: .execution, message: "\(f.exceptionType): \(firstLine(f.exceptionMessage))", nodeID: f.nodeID, nodeType: f.nodeType)
        case .outOfMemory(let f):
            return RenderFailure(kind: .outOfMemory, message: firstLine(f.exceptionMessage), nodeID: f.nodeID, nodeType: f.nodeType)
        case .interrupted(_, let nodeID, let nodeType):
            return RenderFailure(kind: .interrupted, message: "the prompt was interrupted on the server", nodeID: nodeID, nodeType: nodeType)
        default:
            return RenderFailure(kind: .server, message: error.description)
        }
    }

    /// The panel's failure for an output file that could not be stored.
    static func failure(for error: OutputError) -> RenderFailure {
        switch error {
        case .hostileFileName:
            return RenderFailure(kind: .hostileFileName, message: error.description, suggestion: "check the workflow's SaveImage filename_prefix and the server")
        case .mediaMismatch:
            return RenderFailure(kind: .mediaMismatch, message: error.description,
                                 suggestion: "the server (or a proxy in front of it) sent something other than the file it named")
        case .corruptImage:
            return RenderFailure(kind: .corruptImage, message: error.description,
                                 suggestion: "the server (or a proxy) sent a broken PNG; render the panel again, and check the server's disk and SaveImage node")
        default:
            return RenderFailure(kind: .output, message: error.description)
        }
    }

    /// Notes on what a finished prompt reported besides its files (VideoHelperSuite's unfinished batch).
    static func outputNotes(_ result: PromptResult) -> [Action] {
        result.unfinishedBatchNodes.isEmpty ? [] : [.note(.unfinishedBatch(nodeIDs: result.unfinishedBatchNodes))]
    }

    /// Notes on the downloaded files: one per file whose media type is unknown.
    static func mediaNotes(_ files: [StoredFile]) -> [Action] {
        files.filter { $0.mediaType == MediaType.unknown.name }.map { .note(.unknownMediaType(path: $0.path)) }
    }

    /// Notes on stored images the quality gate failed: one per such file.
    static func qualityNotes(_ files: [StoredFile]) -> [Action] {
        files.compactMap { file in
            guard let quality = file.quality, quality.verdict != .ok else { return nil }
            return .note(.qualityFailed(path: file.path, verdict: quality.verdict, sharpness: quality.measures.sharpness))
        }
    }

    /// The first verdict other than `ok` among `files`, if any.
    static func failingVerdict(_ files: [StoredFile]) -> QualityVerdict? {
        files.lazy.compactMap(\.quality?.verdict).first { $0 != .ok }
    }

    /// The note for a prompt of an earlier process that could not be collected.
    static func adoptionNote(_ error: ComfyError) -> PanelNote {
        switch error {
        case .promptLost: .promptLostResubmitted
        case .interrupted: .earlierPromptInterrupted
        default: .earlierPromptUnusable(reason: firstLine(error.description))
        }
    }

    /// Consecutive runs of `indices`, each at most `size` long.
    static func chunks(_ indices: [Int], size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        var last = -2
        for i in indices {
            if let s = start, i == last + 1, i - s < size {
                last = i
                continue
            }
            if let s = start { ranges.append(s..<(last + 1)) }
            start = i
            last = i
        }
        if let s = start { ranges.append(s..<(last + 1)) }
        return ranges
    }

    /// The first non-empty line of `text`.
    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }
}

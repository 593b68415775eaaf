import ComfyWorkflow
import StoryCoreImaging

extension PanelNote {
    /// The note as the ledger stores it: an object with `code` and the case's values.
    var stored: JSONValue {
        var object: JSONObject = ["code": .string(code.rawValue)]
        func put(_ key: String, _ value: JSONValue) { object[key] = value }
        switch self {
        case .lowVRAMPolicy(let vramTotal): put("vram_total", .uint64(vramTotal))
        case .batchSentAsSingleImages(let batchSize): put("batch_size", .int(batchSize))
        case .outOfMemoryFreedMemory(let nodeID, let nodeType):
            put("node_id", .string(nodeID))
            put("node_type", .string(nodeType))
        case .outOfMemoryBatchSplit(let images): put("images", .int(images))
        case .outOfMemoryTiledDecode, .promptLostResubmitted, .earlierPromptInterrupted: break
        case .earlierPromptUnusable(let reason): put("reason", .string(reason))
        case .earlierPromptInterruptedElsewhere(let id, let server, let here),
             .earlierPromptLostElsewhere(let id, let server, let here),
             .earlierPromptUnreachable(let id, let server, let here):
            put("prompt_id", .string(id))
            put("server", .string(server))
            put("rendered_on", .string(here))
        case .earlierPromptUnanswered(let id, let server, let here, let reason):
            put("prompt_id", .string(id))
            put("server", .string(server))
            put("rendered_on", .string(here))
            put("reason", .string(reason))
        case .renderedAsNewVersion(let version, let previous):
            put("version", .int(version))
            put("previous", .int(previous))
        case .redoNewVersion(let version, let kept, let folder, let prompt, let seed):
            put("version", .int(version))
            put("kept", .int(kept))
            put("kept_folder", .string(folder))
            Self.putOverride(prompt, seed, into: &object)
        case .redoResumed(let version, let prompt, let seed):
            put("version", .int(version))
            Self.putOverride(prompt, seed, into: &object)
        case .redoFirstRender(let prompt, let seed):
            Self.putOverride(prompt, seed, into: &object)
        case .sameImagesAs(let version): put("version", .int(version))
        case .unfinishedBatch(let nodeIDs): put("node_ids", .array(nodeIDs.map(JSONValue.string)))
        case .unknownMediaType(let path): put("path", .string(path))
        case .qualityFailed(let path, let verdict, let sharpness):
            put("path", .string(path))
            put("verdict", .string(verdict.rawValue))
            put("sharpness", .double(sharpness))
        case .qualityRedo(let k, let of, let verdict, let version, let seed):
            put("k", .int(k))
            put("of", .int(of))
            put("verdict", .string(verdict.rawValue))
            put("version", .int(version))
            put("seed", .uint64(seed))
        case .qualityStillFailing(let verdict, let redos):
            put("verdict", .string(verdict.rawValue))
            put("redos", .int(redos))
        case .text(let text): put("text", .string(text))
        }
        return .object(object)
    }

    private static func putOverride(_ prompt: String?, _ seed: UInt64?, into object: inout JSONObject) {
        if let prompt { object["prompt"] = .string(prompt) }
        if let seed { object["seed"] = .uint64(seed) }
    }

    /// The note stored as `value`: an object written by `stored`, or a plain string (an older
    /// ledger's free text, kept as `.text`). A malformed object becomes `.text` of its JSON, so
    /// nothing recorded is dropped.
    init(stored value: JSONValue) {
        if let text = value.stringValue {
            self = .text(text)
            return
        }
        self = Self.decode(value) ?? .text(value.serializedString(.compact))
    }

    private static func decode(_ value: JSONValue) -> PanelNote? {
        guard let code = value["code"]?.stringValue else { return nil }
        func string(_ key: String) -> String? { value[key]?.stringValue }
        func int(_ key: String) -> Int? { value[key]?.intValue }
        let prompt = string("prompt")
        let seed = value["seed"]?.uint64Value
        switch code {
        case "low_vram_policy": return value["vram_total"]?.uint64Value.map { .lowVRAMPolicy(vramTotal: $0) }
        case "low_vram_single_images": return int("batch_size").map { .batchSentAsSingleImages(batchSize: $0) }
        case "oom_memory_freed":
            guard let id = string("node_id"), let type = string("node_type") else { return nil }
            return .outOfMemoryFreedMemory(nodeID: id, nodeType: type)
        case "oom_batch_split": return int("images").map { .outOfMemoryBatchSplit(images: $0) }
        case "oom_tiled_decode": return .outOfMemoryTiledDecode
        case "prompt_lost_resubmitted": return .promptLostResubmitted
        case "earlier_prompt_interrupted": return .earlierPromptInterrupted
        case "earlier_prompt_unusable": return string("reason").map { .earlierPromptUnusable(reason: $0) }
        case "earlier_prompt_interrupted_elsewhere", "earlier_prompt_lost_elsewhere", "earlier_prompt_unreachable",
             "earlier_prompt_unanswered":
            guard let id = string("prompt_id"), let server = string("server"), let here = string("rendered_on") else { return nil }
            switch code {
            case "earlier_prompt_interrupted_elsewhere": return .earlierPromptInterruptedElsewhere(promptID: id, server: server, renderedOn: here)
            case "earlier_prompt_lost_elsewhere": return .earlierPromptLostElsewhere(promptID: id, server: server, renderedOn: here)
            case "earlier_prompt_unreachable": return .earlierPromptUnreachable(promptID: id, server: server, renderedOn: here)
            default: return string("reason").map { .earlierPromptUnanswered(promptID: id, server: server, renderedOn: here, reason: $0) }
            }
        case "rendered_as_new_version":
            guard let version = int("version"), let previous = int("previous") else { return nil }
            return .renderedAsNewVersion(version: version, previous: previous)
        case "redo_new_version":
            guard let version = int("version"), let kept = int("kept"), let folder = string("kept_folder") else { return nil }
            return .redoNewVersion(version: version, kept: kept, keptFolder: folder, prompt: prompt, seed: seed)
        case "redo_resumed": return int("version").map { .redoResumed(version: $0, prompt: prompt, seed: seed) }
        case "redo_first_render": return .redoFirstRender(prompt: prompt, seed: seed)
        case "same_images": return int("version").map { .sameImagesAs(version: $0) }
        case "unfinished_batch":
            return value["node_ids"]?.arrayValue.map { .unfinishedBatch(nodeIDs: $0.compactMap(\.stringValue)) }
        case "unknown_media_type": return string("path").map { .unknownMediaType(path: $0) }
        case "quality_failed":
            guard let path = string("path"), let verdict = string("verdict").flatMap(QualityVerdict.init(rawValue:)) else { return nil }
            return .qualityFailed(path: path, verdict: verdict, sharpness: value["sharpness"]?.doubleValue ?? 0)
        case "quality_redo":
            guard let k = int("k"), let of = int("of"), let verdict = string("verdict").flatMap(QualityVerdict.init(rawValue:)),
                  let version = int("version"), let seed else { return nil }
            return .qualityRedo(k: k, of: of, verdict: verdict, version: version, seed: seed)
        case "quality_still_failing":
            guard let verdict = string("verdict").flatMap(QualityVerdict.init(rawValue:)), let redos = int("redos") else { return nil }
            return .qualityStillFailing(verdict: verdict, redos: redos)
        case "text": return string("text").map { .text($0) }
        default: return nil
        }
    }
}

import ComfyWorkflow
import Foundation

extension RenderEvent {
    /// The event as one JSON object, the documented line format of `comfybridge render --json`.
    ///
    /// Every object has an `"event"` key naming the case in snake case (`run_started`, `planned`,
    /// `kept`, `queued`, `started`, `progress`, `preview`, `retrying`, `completed`, `failed`,
    /// `server_up`, `server_down`, `run_finished`) and the case's values under snake-case keys.
    /// Seeds are exact integers (they can exceed 2^53). A preview carries its size, not its bytes.
    public var json: JSONValue {
        switch self {
        case .runStarted(let runID, let resumed, let panels, let servers):
            return ["event": "run_started", "run_id": .string(runID), "resumed": .bool(resumed),
                    "panels": .int(panels), "servers": .array(servers.map(JSONValue.string))]
        case .planned(let panelID, let seed, let batchSize):
            return ["event": "planned", "panel_id": .string(panelID), "seed": .uint64(seed), "batch_size": .int(batchSize)]
        case .kept(let panelID, let files):
            return ["event": "kept", "panel_id": .string(panelID), "files": .array(files.map(\.json))]
        case .queued(let panelID, let promptID, let server, let position):
            return ["event": "queued", "panel_id": .string(panelID), "prompt_id": .string(promptID),
                    "server": .string(server), "position": position.map(JSONValue.int) ?? .null]
        case .started(let panelID, let promptID, let server):
            return ["event": "started", "panel_id": .string(panelID), "prompt_id": .string(promptID), "server": .string(server)]
        case .progress(let panelID, let promptID, let node, let step, let total):
            return ["event": "progress", "panel_id": .string(panelID), "prompt_id": .string(promptID),
                    "node": node.map(JSONValue.string) ?? .null, "step": .int(step), "total": .int(total)]
        case .preview(let panelID, let promptID, let format, let bytes):
            return ["event": "preview", "panel_id": .string(panelID), "prompt_id": .string(promptID),
                    "format": .string(format), "bytes": .int(bytes.count)]
        case .retrying(let panelID, let reason):
            var object: JSONObject = ["event": "retrying", "panel_id": .string(panelID), "reason": .string(reason.description),
                                      "code": .string(reason.code), "server": .string(reason.server)]
            if case .outOfMemory(let step, _) = reason { object["step"] = .string(step.rawValue) }
            return .object(object)
        case .completed(let panelID, let files, let notes):
            return ["event": "completed", "panel_id": .string(panelID), "files": .array(files.map(\.json)),
                    "notes": .array(notes.map { .string($0.text) }), "note_codes": .array(notes.map { .string($0.code.rawValue) })]
        case .failed(let panelID, let failure):
            return ["event": "failed", "panel_id": .string(panelID), "error": failure.json]
        case .serverUp(let server):
            return ["event": "server_up", "server": .string(server)]
        case .serverDown(let server, let reason):
            return ["event": "server_down", "server": .string(server), "reason": .string(reason)]
        case .runFinished(let summary):
            var object: JSONObject = ["event": "run_finished"]
            for (key, value) in summary.json.objectValue ?? JSONObject() { object[key] = value }
            return .object(object)
        }
    }

    /// The event as one line of compact JSON, without the trailing newline.
    public var jsonLine: String { json.serializedString(.compact) }
}

extension RenderSummary {
    /// The summary as a JSON object: run id, the counts, `succeeded`, `cancelled`, the duration in
    /// seconds, the manifest path and every failure by panel id (panel ids sorted).
    public var json: JSONValue {
        var failureObject = JSONObject()
        for id in failures.keys.sorted() { failureObject[id] = failures[id]!.json }
        return [
            "run_id": .string(runID),
            "total": .int(total),
            "completed": .int(completed),
            "rendered": .int(rendered),
            "kept": .int(kept),
            "failed": .int(failures.count),
            "pending": .int(pending),
            "cancelled": .bool(cancelled),
            "succeeded": .bool(succeeded),
            "duration_seconds": .double(duration.roundedSeconds),
            "manifest": .string(manifest.path),
            "failures": .object(failureObject),
            "redone": .object(JSONObject(redone.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) })),
        ]
    }
}

extension RenderFailure {
    /// The failure as the manifest writes it: `kind`, `message`, `node_id`, `node_type` and, when there is one, `suggestion`.
    public var json: JSONValue {
        var object: JSONObject = [
            "kind": .string(kind.rawValue), "message": .string(message),
            "node_id": nodeID.map(JSONValue.string) ?? .null,
            "node_type": nodeType.map(JSONValue.string) ?? .null,
        ]
        if let suggestion { object["suggestion"] = .string(suggestion) }
        return .object(object)
    }
}

extension StoredFile {
    /// The file as the manifest writes it: `path` (relative to the project), `node_id`, `bytes`, `sha256`,
    /// `media_type`, `animated`, `frame_rate` (null when the server did not report one) and `quality`
    /// (the quality gate's `{verdict, sharpness, mean, stddev, dark_share, bright_share}`; null when not measured).
    public var json: JSONValue {
        ["path": .string(path), "node_id": .string(nodeID), "bytes": .number(JSONNumber(Int(bytes))), "sha256": .string(sha256),
         "media_type": .string(mediaType), "animated": .bool(animated), "frame_rate": frameRate.map(JSONValue.double) ?? .null,
         "quality": quality?.json ?? .null]
    }
}

extension Duration {
    /// The duration in seconds, rounded to milliseconds.
    var roundedSeconds: Double {
        let (seconds, attoseconds) = components
        return (Double(seconds) * 1000 + Double(attoseconds) / 1e15).rounded() / 1000
    }
}

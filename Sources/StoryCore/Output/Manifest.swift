import ComfyWorkflow
import Foundation

/// `<project>/outputs/manifest.json`: the record of a run that the rest of StoryCore reads.
///
/// Built from the ledger's panel records and written atomically (temporary file, fsync, rename)
/// after every panel, so a reader always sees a complete document.
public struct Manifest: Sendable, Hashable {
    /// The project id.
    public var projectID: String
    /// The run id (kept across resumed runs, new after `--fresh`).
    public var runID: String
    /// The base URLs of the servers of the run.
    public var servers: [String]
    /// The panels in render order.
    public var panels: [PanelRecord]

    /// The file name inside `outputs/`.
    public static let fileName = "manifest.json"

    /// Creates a manifest.
    public init(projectID: String, runID: String, servers: [String], panels: [PanelRecord]) {
        self.projectID = projectID
        self.runID = runID
        self.servers = servers
        self.panels = panels
    }

    /// The document, in the contract's shape.
    public func json(now: Date = Date()) -> JSONValue {
        var counts: [PanelState: Int] = [:]
        for panel in panels { counts[panel.state, default: 0] += 1 }
        return .object([
            "project_id": .string(projectID),
            "run_id": .string(runID),
            "generated_at": .string(Timestamp.string(now)),
            "servers": .array(servers.map(JSONValue.string)),
            "totals": .object([
                "panels": .int(panels.count),
                "completed": .int(counts[.completed] ?? 0),
                "failed": .int(counts[.failed] ?? 0),
                "pending": .int((counts[.planned] ?? 0) + (counts[.submitted] ?? 0)),
            ]),
            "panels": .array(panels.map(Self.entry)),
        ])
    }

    /// Writes `outputs/manifest.json` atomically.
    public func write(toOutputs outputs: URL, now: Date = Date()) throws(OutputError) {
        let url = outputs.appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
            try AtomicFile.replace(json(now: now).serialized(.pretty), to: url)
        } catch {
            throw .io(path: url.path, reason: "cannot write the manifest: \(error)")
        }
    }

    static func entry(_ panel: PanelRecord) -> JSONValue {
        var o: JSONObject = [
            "panel_id": .string(panel.panelID),
            "status": .string(statusText(panel.state)),
            "shot_id": panel.shotID.map(JSONValue.string) ?? .null,
            "prompt": .string(panel.prompt),
            "negative_prompt": panel.negativePrompt.map(JSONValue.string) ?? .null,
            "seed": .uint64(panel.seed),
            "width": .int(panel.width),
            "height": .int(panel.height),
            "batch_size": .int(panel.batchSize),
            "attempts": .int(panel.attempts),
            "prompt_id": panel.promptID.map(JSONValue.string) ?? .null,
            "server": panel.server.map(JSONValue.string) ?? .null,
            "notes": .array(panel.notes.map(JSONValue.string)),
            "files": .array(panel.files.map { file in
                .object(["path": .string(file.path), "node_id": .string(file.nodeID),
                         "bytes": .number(JSONNumber(Int(file.bytes))), "sha256": .string(file.sha256)])
            }),
        ]
        if let failure = panel.failure {
            var error: JSONObject = [
                "kind": .string(failure.kind), "message": .string(failure.message),
                "node_id": failure.nodeID.map(JSONValue.string) ?? .null,
                "node_type": failure.nodeType.map(JSONValue.string) ?? .null,
            ]
            if let suggestion = failure.suggestion { error["suggestion"] = .string(suggestion) }
            o["error"] = .object(error)
        } else {
            o["error"] = .null
        }
        func stamp(_ date: Date?) -> JSONValue { date.map { .string(Timestamp.precise($0)) } ?? .null }
        o["timings"] = .object([
            "queued": stamp(panel.queuedAt), "started": stamp(panel.startedAt),
            "finished": stamp(panel.finishedAt), "downloaded": stamp(panel.downloadedAt),
        ])
        for (key, value) in versionFields(panel) { o[key] = value }
        return .object(o)
    }

    static func statusText(_ state: PanelState) -> String {
        switch state {
        case .completed: "completed"
        case .failed: "failed"
        case .planned, .submitted: "pending"
        }
    }
}

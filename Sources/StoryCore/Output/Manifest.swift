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
        json(now: now, includingPanels: true)
    }

    private func json(now: Date, includingPanels: Bool) -> JSONValue {
        let panels = imagePanels
        var counts: [PanelState: Int] = [:]
        for panel in panels { counts[panel.state, default: 0] += 1 }
        var document: JSONObject = [
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
        ]
        for (key, value) in clipFields() { document[key] = value }
        document["panels"] = .array(includingPanels ? panels.map(Self.entry) : [])
        return .object(document)
    }

    /// Writes `outputs/manifest.json` atomically.
    ///
    /// The panels are streamed one entry at a time, so memory does not grow with the panel count (a
    /// manifest of 1,000 panels is ~2 MB of text, and building it whole took several times that); the
    /// bytes are exactly `json(now:).serialized(.pretty)`.
    public func write(toOutputs outputs: URL, now: Date = Date()) throws(OutputError) {
        let url = outputs.appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(at: outputs, withIntermediateDirectories: true)
            try AtomicFile.replace(to: url) { emit in try streamPretty(now: now, emit: emit) }
        } catch {
            throw .io(path: url.path, reason: "cannot write the manifest: \(error)")
        }
    }

    /// Produces the pretty document in chunks of about 64 KiB.
    func streamPretty(now: Date, emit: ([UInt8]) throws -> Void) throws {
        guard case .object(var head) = json(now: now, includingPanels: false) else { return }
        head["panels"] = .array([])
        var chunk: [UInt8] = []
        chunk.reserveCapacity(80 << 10)
        // The head with an empty panel list, cut before that list, then the entries, then the close.
        let whole = JSONValue.object(head).serialized(.pretty)
        let marker = Array("[]\n}\n".utf8)
        guard whole.count >= marker.count, Array(whole.suffix(marker.count)) == marker else {
            return try emit(json(now: now).serialized(.pretty))
        }
        chunk += whole.dropLast(marker.count)
        let panels = imagePanels
        if panels.isEmpty {
            chunk += marker
            return try emit(chunk)
        }
        chunk.append(UInt8(ascii: "["))
        for (index, panel) in panels.enumerated() {
            if index > 0 { chunk.append(UInt8(ascii: ",")) }
            chunk += Array("\n    ".utf8)
            chunk += Self.entry(panel).serialized(.pretty, atLevel: 2)
            if chunk.count >= 64 << 10 {
                try emit(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        chunk += Array("\n  ]\n}\n".utf8)
        try emit(chunk)
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
            "notes": .array(panel.notes.map { .string($0.text) }),
            "files": .array(panel.files.map(\.json)),
        ]
        if let failure = panel.failure {
            var error: JSONObject = [
                "kind": .string(failure.kind.rawValue), "message": .string(failure.message),
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
        o["review"] = panel.review?.json ?? .null
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

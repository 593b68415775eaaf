import ComfyWorkflow

/// One finished prompt as `/history` records it.
public struct HistoryEntry: Sendable, Hashable {
    /// How the prompt ended.
    public enum Outcome: Sendable, Hashable {
        /// Every output ran.
        case success
        /// A node raised.
        case failed(ExecutionFailure)
        /// The prompt was interrupted.
        case interrupted(nodeID: String?, nodeType: String?)
        /// The entry carries no status the client understands (`status_str` missing or unknown).
        case unknown(String)
    }

    /// The prompt id.
    public var promptID: String
    /// The queue number (a float when the submitter chose it).
    public var number: Double?
    /// `outputs`: node id to UI output, in reply order.
    public var outputs: JSONValue
    /// How it ended, from `status.status_str` and `status.messages`.
    public var outcome: Outcome
    /// Nodes answered from the cache (from the recorded `execution_cached` message).
    public var cachedNodes: [String]
    /// The whole entry as the server sent it.
    public var raw: JSONValue

    /// Every output file, found as array items with `filename` and `type`.
    public var files: [OutputFile] { OutputFile.files(inOutputs: outputs) }

    /// Reads the entry for `promptID`; `route` names the request in errors.
    init(promptID: String, json entry: JSONValue, route: String) throws(ComfyError) {
        guard entry.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: promptID, reason: "expected an object, got \(entry.typeName)")
        }
        self.promptID = promptID
        self.raw = entry
        number = entry["prompt"]?[0]?.doubleValue
        let outputs = entry["outputs"] ?? .object(JSONObject())
        guard outputs.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: "\(promptID).outputs", reason: "expected an object, got \(outputs.typeName)")
        }
        self.outputs = outputs
        let status = entry["status"]
        let messages = status?["messages"]?.arrayValue ?? []
        var cached: [String] = []
        var failure: ExecutionFailure?
        var interrupted: (String?, String?)?
        for message in messages {
            guard let name = message[0]?.stringValue, let data = message[1] else { continue }
            switch name {
            case "execution_cached": cached = data["nodes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            case "execution_error": failure = ExecutionFailure(json: data)
            case "execution_interrupted": interrupted = (data["node_id"]?.stringValue, data["node_type"]?.stringValue)
            default: break
            }
        }
        cachedNodes = cached
        switch status?["status_str"]?.stringValue {
        case "success":
            outcome = .success
        case "error":
            if let failure {
                outcome = .failed(failure)
            } else if let interrupted {
                outcome = .interrupted(nodeID: interrupted.0, nodeType: interrupted.1)
            } else {
                outcome = .failed(ExecutionFailure(promptID: promptID, nodeID: "?", nodeType: "?", exceptionType: "unknown", exceptionMessage: "history records an error without details"))
            }
        case nil where status == nil || status!.isNull:
            outcome = .success
        case let other:
            outcome = .unknown(other ?? "missing status_str")
        }
    }
}

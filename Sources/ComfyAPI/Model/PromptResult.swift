import ComfyWorkflow

/// What a successfully finished prompt produced, read from `/history/{id}` (so cached outputs are included).
public struct PromptResult: Sendable, Hashable {
    /// The prompt id.
    public var promptID: String
    /// Node id to UI output (`images`, `text`, …), in the server's order.
    public var outputs: JSONValue
    /// Every output file (array items with `filename` and `type`), ready for `ComfyClient.view`.
    public var files: [OutputFile]
    /// Nodes answered from the cache; when every node is listed, no new file was written.
    public var cachedNodes: [String]
    /// The whole history entry.
    public var history: JSONValue
    /// Nodes whose output is VideoHelperSuite's `unfinished_batch` (see `OutputFile.isUnfinishedBatch(_:)`).
    public var unfinishedBatchNodes: [String]

    /// Creates a result from a history entry.
    public init(entry: HistoryEntry) {
        promptID = entry.promptID
        outputs = entry.outputs
        files = entry.files
        cachedNodes = entry.cachedNodes
        history = entry.raw
        unfinishedBatchNodes = (entry.outputs.objectValue ?? JSONObject()).compactMap { node, output in
            OutputFile.isUnfinishedBatch(output) ? node : nil
        }
    }

    /// The `text` outputs (PreviewAny and similar) per node.
    public var texts: [String: [String]] {
        var out: [String: [String]] = [:]
        for (node, output) in outputs.objectValue ?? JSONObject() {
            if let texts = output["text"]?.arrayValue?.compactMap(\.stringValue), !texts.isEmpty { out[node] = texts }
        }
        return out
    }
}

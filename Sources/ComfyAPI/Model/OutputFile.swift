import ComfyWorkflow

/// A file a node wrote, as named in history outputs: fetch it with `ComfyClient.view(_:to:maxBytes:)`.
public struct OutputFile: Sendable, Hashable, CustomStringConvertible {
    /// The node that produced it.
    public var nodeID: String
    /// The output key it was listed under (`images`, `gifs`, `audio`, …).
    public var kind: String
    /// The file name, without folders.
    public var filename: String
    /// The folder below the type root, "" for none (server OS separators).
    public var subfolder: String
    /// `output`, `temp` or `input`.
    public var type: String

    /// Creates a file reference.
    public init(nodeID: String, kind: String = "images", filename: String, subfolder: String = "", type: String = "output") {
        self.nodeID = nodeID
        self.kind = kind
        self.filename = filename
        self.subfolder = subfolder
        self.type = type
    }

    /// `type/subfolder/filename` from node `nodeID`.
    public var description: String {
        "\(type)/\(subfolder.isEmpty ? "" : subfolder + "/")\(filename) (node \(nodeID))"
    }

    /// Every file in a history `outputs` object: array items that are objects with string `filename` and `type`.
    ///
    /// Nodes and keys are visited in reply order; unknown keys are searched the same way, so custom nodes'
    /// files (for example VideoHelperSuite `gifs`) are found too.
    public static func files(inOutputs outputs: JSONValue) -> [OutputFile] {
        guard let nodes = outputs.objectValue else { return [] }
        var found: [OutputFile] = []
        for (nodeID, output) in nodes {
            found += files(inNodeOutput: output, nodeID: nodeID)
        }
        return found
    }

    /// Every file in one node's UI output (an `executed` message's `output`).
    public static func files(inNodeOutput output: JSONValue, nodeID: String) -> [OutputFile] {
        guard let keys = output.objectValue else { return [] }
        var files: [OutputFile] = []
        for (key, value) in keys {
            for item in value.arrayValue ?? [] {
                guard let filename = item["filename"]?.stringValue, let type = item["type"]?.stringValue else { continue }
                files.append(OutputFile(nodeID: nodeID, kind: key, filename: filename, subfolder: item["subfolder"]?.stringValue ?? "", type: type))
            }
        }
        return files
    }
}

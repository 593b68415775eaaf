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
    /// The `format` a VideoHelperSuite node reported (`image/gif`, `video/h264-mp4`, …), nil for core nodes.
    public var format: String?
    /// Frames per second, when the node reported it (VideoHelperSuite's `frame_rate`).
    public var frameRate: Double?
    /// True for a moving picture: listed with `animated: [true]`, a video, or a VideoHelperSuite animation.
    public var animated: Bool
    /// The media type, from the file name's extension and `format` (see `MediaType.of(filename:format:)`).
    public var mediaType: MediaType

    /// Creates a file reference; `mediaType` defaults to the one `filename` and `format` give.
    public init(nodeID: String, kind: String = "images", filename: String, subfolder: String = "", type: String = "output",
                format: String? = nil, frameRate: Double? = nil, animated: Bool = false, mediaType: MediaType? = nil) {
        self.nodeID = nodeID
        self.kind = kind
        self.filename = filename
        self.subfolder = subfolder
        self.type = type
        self.format = format
        self.frameRate = frameRate
        self.animated = animated
        self.mediaType = mediaType ?? MediaType.of(filename: filename, format: format)
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
    ///
    /// `animated` comes from the output's `animated` array (per file when it has one value per file,
    /// else its first value for all), and is true for every video and every VideoHelperSuite `gifs`
    /// item that is not a still PNG or JPEG. A VideoHelperSuite item's `format` and `frame_rate` are
    /// kept; its `fullpath` (a path on the server's disk) is ignored.
    public static func files(inNodeOutput output: JSONValue, nodeID: String) -> [OutputFile] {
        guard let keys = output.objectValue else { return [] }
        let flags = keys["animated"]?.arrayValue?.map { $0.boolValue ?? false } ?? []
        var files: [OutputFile] = []
        for (key, value) in keys {
            for (index, item) in (value.arrayValue ?? []).enumerated() {
                guard let filename = item["filename"]?.stringValue, let type = item["type"]?.stringValue else { continue }
                let format = item["format"]?.stringValue
                let rate = item["frame_rate"]?.doubleValue ?? item["frame_rate"]?.stringValue.flatMap(Double.init)
                var file = OutputFile(nodeID: nodeID, kind: key, filename: filename, subfolder: item["subfolder"]?.stringValue ?? "",
                                      type: type, format: format, frameRate: rate.flatMap { $0.isFinite && $0 > 0 ? $0 : nil })
                if key == "images" {
                    file.animated = flags.count > index ? flags[index] : (flags.first ?? false)
                } else if key == "gifs" {
                    file.animated = !(file.mediaType.name == "image/png" || file.mediaType.name == "image/jpeg")
                }
                if file.mediaType.isVideo { file.animated = true }
                files.append(file)
            }
        }
        return files
    }

    /// True when a node's UI output is VideoHelperSuite's `{"unfinished_batch": [true]}`: a Meta Batch
    /// Manager batch that is not the last, which saved no file and waits for the prompt to be queued again.
    public static func isUnfinishedBatch(_ output: JSONValue) -> Bool {
        output["unfinished_batch"]?.arrayValue?.contains { $0.boolValue == true } ?? false
    }
}

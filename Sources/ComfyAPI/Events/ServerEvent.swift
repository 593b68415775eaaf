import ComfyWorkflow

/// One message from the server's WebSocket, typed: every text message type of ComfyUI 0.8 and every binary frame.
///
/// Types this client does not know arrive as `.unknown` with the raw payload, so a newer server never breaks it.
public enum ServerEvent: Sendable, Hashable {
    /// Queue length changed (broadcast); `sid` is set only on the first message of a connection.
    case status(queueRemaining: Int?, sid: String?)
    /// The prompt started running.
    case executionStart(promptID: String, timestamp: Int64?)
    /// Nodes whose results came from the cache (sent even when empty).
    case executionCached(promptID: String, nodes: [String], timestamp: Int64?)
    /// A node started running (`node` nil: the prompt finished). `promptID` is nil in the reconnect form.
    case executing(node: String?, displayNode: String?, promptID: String?)
    /// A node's progress bar moved.
    case progress(ProgressUpdate)
    /// The state of every node touched so far in the prompt.
    case progressState(promptID: String, nodes: [NodeProgress])
    /// A node produced UI output (also sent for cached output nodes). `output` may be `null`.
    case executed(node: String, displayNode: String?, promptID: String, output: JSONValue)
    /// Every node ran; the history entry is written just after this (wait for `executing` with a nil node).
    case executionSuccess(promptID: String, timestamp: Int64?)
    /// A node raised (or, with exception type `ExecutionBlocked`, a node was blocked without stopping the prompt).
    case executionError(ExecutionFailure)
    /// The prompt was interrupted at `nodeID`.
    case executionInterrupted(promptID: String, nodeID: String?, nodeType: String?, executed: [String])
    /// The server's feature flags, its answer to the client's greeting.
    case featureFlags(JSONValue)
    /// A binary preview image (type 1, or type 4 with metadata naming prompt and node).
    case preview(PreviewImage)
    /// A binary text frame (type 3) for a node, broadcast to every client by the server.
    case progressText(nodeID: String, text: String)
    /// A text message of a type this client does not know, with its whole `data` payload.
    case unknown(type: String, raw: JSONValue)
    /// A binary frame of an event type this client does not know, with its size.
    case unknownBinary(eventType: UInt32, byteCount: Int)

    /// The prompt the event names, when it names one (preview frames only with metadata).
    public var promptID: String? {
        switch self {
        case .executionStart(let id, _), .executionCached(let id, _, _), .progressState(let id, _),
             .executed(_, _, let id, _), .executionSuccess(let id, _), .executionInterrupted(let id, _, _, _):
            return id
        case .executing(_, _, let id): return id
        case .progress(let p): return p.promptID
        case .executionError(let f): return f.promptID
        case .preview(let p): return p.promptID
        case .status, .featureFlags, .progressText, .unknown, .unknownBinary: return nil
        }
    }

    /// The message type as the server names it (`"executing"`, `"preview_image"` for binary previews, …).
    public var typeName: String {
        switch self {
        case .status: return "status"
        case .executionStart: return "execution_start"
        case .executionCached: return "execution_cached"
        case .executing: return "executing"
        case .progress: return "progress"
        case .progressState: return "progress_state"
        case .executed: return "executed"
        case .executionSuccess: return "execution_success"
        case .executionError: return "execution_error"
        case .executionInterrupted: return "execution_interrupted"
        case .featureFlags: return "feature_flags"
        case .preview(let p): return p.metadata == nil ? "preview_image" : "preview_image_with_metadata"
        case .progressText: return "progress_text"
        case .unknown(let type, _): return type
        case .unknownBinary(let type, _): return "binary_\(type)"
        }
    }
}

/// A `progress` message: a node's progress bar at `value` of `max`.
public struct ProgressUpdate: Sendable, Hashable {
    /// The prompt, when the server named it.
    public var promptID: String?
    /// The executing node (possibly an expanded, ephemeral id).
    public var node: String?
    /// Steps done.
    public var value: Double
    /// Steps in total.
    public var max: Double

    /// Creates a progress update.
    public init(promptID: String?, node: String?, value: Double, max: Double) {
        self.promptID = promptID
        self.node = node
        self.value = value
        self.max = max
    }

    /// `value / max` clamped to 0...1 (0 when `max` is not positive).
    public var fraction: Double { max > 0 ? Swift.min(1, Swift.max(0, value / max)) : 0 }
}

/// One node's entry in a `progress_state` message.
public struct NodeProgress: Sendable, Hashable {
    /// The node id.
    public var nodeID: String
    /// `running`, `finished` or `error`.
    public var state: String
    /// Progress value.
    public var value: Double
    /// Progress maximum.
    public var max: Double
    /// The visible node this (possibly expanded) node belongs to.
    public var displayNodeID: String?

    /// Creates a node progress entry.
    public init(nodeID: String, state: String, value: Double, max: Double, displayNodeID: String?) {
        self.nodeID = nodeID
        self.state = state
        self.value = value
        self.max = max
        self.displayNodeID = displayNodeID
    }
}

/// A preview image from a binary frame.
public struct PreviewImage: Sendable, Hashable {
    /// The image encoding.
    public enum Format: String, Sendable, Hashable {
        /// JPEG (sampler previews).
        case jpeg = "image/jpeg"
        /// PNG (SaveImageWebsocket and similar).
        case png = "image/png"
        /// A format code or MIME type this client does not know.
        case other = "application/octet-stream"
    }

    /// The encoding of `data`.
    public var format: Format
    /// The complete encoded image file.
    public var data: [UInt8]
    /// The prompt, from type-4 metadata (nil for legacy type-1 frames).
    public var promptID: String?
    /// The node, from type-4 metadata.
    public var nodeID: String?
    /// The visible node, from type-4 metadata.
    public var displayNodeID: String?
    /// The whole type-4 metadata object, or nil for type-1 frames.
    public var metadata: JSONValue?

    /// Creates a preview image.
    public init(format: Format, data: [UInt8], promptID: String? = nil, nodeID: String? = nil, displayNodeID: String? = nil, metadata: JSONValue? = nil) {
        self.format = format
        self.data = data
        self.promptID = promptID
        self.nodeID = nodeID
        self.displayNodeID = displayNodeID
        self.metadata = metadata
    }
}

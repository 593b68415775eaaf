/// Why a panel failed, as the manifest reports it.
public struct RenderFailure: Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure it is; its raw value is the stable code the manifest writes as `error.kind`.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The server refused the graph (`node_errors`), or the graph could not be built for this server.
        case validation
        /// A node raised an error while executing.
        case execution
        /// The server ran out of memory and every rung of the recovery ladder was tried.
        case outOfMemory = "out_of_memory"
        /// The servers kept failing (connection, 5xx, socket) until the retries ran out.
        case transport
        /// An output file could not be downloaded or stored.
        case output
        /// The server named an output file that could not be written safely (`../`, separators, control characters).
        case hostileFileName = "hostile_file_name"
        /// A downloaded file's first bytes do not match the media type its name and format claim
        /// (a `.png` that is not a PNG).
        case mediaMismatch = "media_mismatch"
        /// A downloaded PNG could not be decoded (bad CRC, truncated data): nothing is handed on.
        case corruptImage = "corrupt_image"
        /// A shot clip could not start from its key panel: the panel failed, was rejected, or has no image.
        case keyPanel = "key_panel"
        /// The prompt was interrupted on the server by someone else.
        case interrupted
        /// The server lost the prompt (restart) more often than the retries allow.
        case lost
        /// Every server stayed down while the panel waited.
        case noServer = "no_server"
        /// The server answered something the client does not accept for this prompt.
        case server
        /// The run ledger could not be written.
        case ledger
        /// A bug: an error no other kind covers.
        case `internal`
        /// A kind written by a newer or older ComfyBridge that this one does not know.
        case unknown

        /// The kind for a stored code; an unknown code becomes `.unknown`.
        public init(code: String) {
            self = Kind(rawValue: code) ?? .unknown
        }
    }

    /// The kind (its `rawValue` is the manifest's `error.kind`).
    public var kind: Kind
    /// What happened, in one line (the server's message where there is one).
    public var message: String
    /// The node that failed, when known.
    public var nodeID: String?
    /// The failing node's class, when known.
    public var nodeType: String?
    /// What a person can do about it, when there is a useful suggestion.
    public var suggestion: String?

    /// Creates a failure.
    public init(kind: Kind, message: String, nodeID: String? = nil, nodeType: String? = nil, suggestion: String? = nil) {
        self.kind = kind
        self.message = message
        self.nodeID = nodeID
        self.nodeType = nodeType
        self.suggestion = suggestion
    }

    /// `kind: message (node id type)`, plus the suggestion.
    public var description: String {
        var text = "\(kind.rawValue): \(message)"
        if let nodeID { text += " (node \(nodeID)\(nodeType.map { " \($0)" } ?? ""))" }
        if let suggestion { text += "; \(suggestion)" }
        return text
    }
}

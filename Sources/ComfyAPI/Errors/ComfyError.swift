/// Everything that can go wrong talking to a ComfyUI server, each case carrying what a person needs to act.
///
/// `description` is one line naming the server, route, prompt, node or field involved.
public enum ComfyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server could not be reached or the connection failed (`server` is its base URL).
    case transport(server: String, TransportFailure)
    /// The server answered `route` with an unexpected HTTP status; `body` is the start of its reply.
    case httpStatus(route: String, status: Int, body: String)
    /// `POST /prompt` refused the workflow (HTTP 400): the top-level error and every per-node error.
    case validation(ValidationFailure)
    /// A node raised while the prompt ran.
    case execution(ExecutionFailure)
    /// A node ran out of GPU (CUDA, HIP or MPS) or CPU memory while the prompt ran.
    case outOfMemory(ExecutionFailure)
    /// The prompt was interrupted (by `/interrupt`, from this or another client).
    case interrupted(promptID: String, nodeID: String?, nodeType: String?)
    /// The prompt was running but sent no event for `seconds` (the configured stall timeout).
    case stalled(promptID: String, seconds: Double)
    /// The server no longer knows the prompt: it is neither queued nor in history (typically a server restart); resubmit it.
    case promptLost(promptID: String, server: String)
    /// A reply could not be understood: `route` and the `field` at fault, and why.
    case malformedReply(route: String, field: String, reason: String)
    /// A reply was larger than the configured limit and was not read.
    case responseTooLarge(route: String, limit: Int)
    /// The configuration cannot work, for example a base URL with an unsupported scheme.
    case invalidConfiguration(String)
    /// A call was given an argument the server would refuse or misread, for example `..` in a file name.
    case invalidArgument(String)
    /// The client was shut down; no further calls are possible.
    case shutDown
    /// The calling task was cancelled while it waited (for the WebSocket, or for a prompt's next event).
    case cancelled

    /// One line a person can act on.
    public var description: String {
        switch self {
        case .transport(_, .certificateDoesNotListIP(let address)):
            // The failure names the address and says all there is to act on: no "cannot talk to" prefix.
            return TransportFailure.certificateDoesNotListIP(address).description
        case .transport(let server, let failure):
            return "cannot talk to ComfyUI at \(server): \(failure)"
        case .httpStatus(let route, let status, let body):
            let snippet = body.isEmpty ? "empty body" : "body: \(ComfyError.oneLine(body, limit: 200))"
            return "ComfyUI answered \(route) with HTTP \(status) (\(snippet))"
        case .validation(let failure):
            return failure.description
        case .execution(let failure):
            return failure.description
        case .outOfMemory(let failure):
            return "out of memory: \(failure.description) — lower the batch size or resolution, or free server memory"
        case .interrupted(let promptID, let nodeID, let nodeType):
            let at = nodeID.map { " at node \($0)" + (nodeType.map { " (\($0))" } ?? "") } ?? ""
            return "prompt \(promptID) was interrupted\(at)"
        case .stalled(let promptID, let seconds):
            return "prompt \(promptID) made no progress for \(Int(seconds.rounded())) s while running; the server may be hung"
        case .promptLost(let promptID, let server):
            return "prompt \(promptID) is unknown to \(server) (not queued, not in history; the server probably restarted) — submit it again"
        case .malformedReply(let route, let field, let reason):
            return "ComfyUI sent an unreadable reply to \(route): field \(field): \(reason)"
        case .responseTooLarge(let route, let limit):
            return "ComfyUI's reply to \(route) exceeds the limit of \(limit) bytes and was not read"
        case .invalidConfiguration(let reason):
            return "invalid ComfyClient configuration: \(reason)"
        case .invalidArgument(let reason):
            return "invalid argument: \(reason)"
        case .shutDown:
            return "the ComfyClient has been shut down"
        case .cancelled:
            return "cancelled while waiting for the ComfyUI server"
        }
    }

    /// Whether a retry may succeed: transport failures and HTTP 5xx/429 replies.
    public var isTransient: Bool {
        switch self {
        case .transport(_, .certificateDoesNotListIP): return false
        case .transport: return true
        case .httpStatus(_, let status, _): return status >= 500 || status == 429 || status == 408
        default: return false
        }
    }

    static func oneLine(_ text: String, limit: Int) -> String {
        var flat = text.replacingNewlines()
        if flat.count > limit { flat = String(flat.prefix(limit)) + "…" }
        return flat
    }
}

/// Why a connection to the server failed.
public enum TransportFailure: Sendable, Hashable, CustomStringConvertible {
    /// Nothing answered at the address (refused, unknown host, network down).
    case unreachable(String)
    /// The TLS handshake or certificate check failed.
    case tls(String)
    /// https to a server addressed by IP: its certificate (trusted or not) lists no IP subjectAltName equal to
    /// this address (the associated value). Trusting another CA cannot help; the certificate or URL must change.
    case certificateDoesNotListIP(String)
    /// Connecting or the reply took longer than the configured timeout.
    case timeout(String)
    /// The connection broke before the reply was complete.
    case connectionLost(String)
    /// The WebSocket upgrade was refused (for example 401/403 from a proxy, or a wrong path prefix).
    case webSocketRejected(String)

    /// One line naming the failure.
    public var description: String {
        switch self {
        case .unreachable(let s): return "unreachable (\(s))"
        case .tls(let s): return "TLS failed (\(s))"
        case .certificateDoesNotListIP(let ip): return "TLS: certificate of \(ip) does not list this IP address"
        case .timeout(let s): return "timed out (\(s))"
        case .connectionLost(let s): return "connection lost (\(s))"
        case .webSocketRejected(let s): return "WebSocket upgrade refused (\(s))"
        }
    }
}

extension String {
    func replacingNewlines() -> String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for ch in self { out.append(ch == "\n" || ch == "\r" || ch == "\r\n" ? " " : ch) }
        return out
    }
}

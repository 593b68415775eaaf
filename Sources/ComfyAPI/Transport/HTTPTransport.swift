import AsyncHTTPClient
import ComfyWorkflow
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// The HTTP half of a client: builds requests under the base URL's prefix with auth headers, enforces size
/// limits and timeouts, maps every failure to a `ComfyError`, and retries only idempotent requests.
struct HTTPTransport: Sendable {
    /// A complete (small) reply.
    struct Reply: Sendable {
        var status: Int
        var body: [UInt8]
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    let client: HTTPClient
    let endpoint: ServerEndpoint
    let headers: HTTPHeaders
    let requestTimeout: Duration
    let retry: RetryPolicy
    let maxResponseBytes: Int
    let logger: Logger
    /// At most as many requests at once as the client keeps connections (see `RequestGate`).
    let gate: RequestGate

    init(client: HTTPClient, endpoint: ServerEndpoint, configuration: ComfyClient.Configuration, logger: Logger) {
        self.client = client
        self.endpoint = endpoint
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "ComfyBridge-ComfyAPI")
        for field in configuration.authentication.headerFields { headers.replaceOrAdd(name: field.name, value: field.value) }
        self.headers = headers
        self.requestTimeout = configuration.requestTimeout
        self.retry = configuration.retry
        self.maxResponseBytes = configuration.maxResponseBytes
        self.logger = logger
        self.gate = RequestGate(limit: Self.connectionsPerServer)
    }

    /// Connections the client's own HTTPClient keeps to the server, and so requests admitted at once.
    static let connectionsPerServer = 8

    /// Runs `body` holding a request slot; its timeout therefore starts when it is admitted.
    func gated<T>(_ body: () async throws(ComfyError) -> T) async throws(ComfyError) -> T {
        guard await gate.enter() else { throw ComfyError.cancelled }
        do {
            let value = try await body()
            await gate.leave()
            return value
        } catch {
            await gate.leave()
            throw error
        }
    }

    /// Sends one request and reads the whole reply (at most `maxResponseBytes`); no retries.
    func send(_ method: HTTPMethod, _ route: String, query: [(String, String)] = [], body: [UInt8]? = nil,
              contentType: String? = nil) async throws(ComfyError) -> Reply {
        var request = HTTPClientRequest(url: endpoint.httpURL(route, query: query))
        request.method = method
        request.headers = headers
        if let body {
            request.headers.replaceOrAdd(name: "Content-Type", value: contentType ?? "application/json")
            request.body = .bytes(body)
        }
        let label = "\(method.rawValue) \(route)"
        let prepared = request
        return try await gated { () async throws(ComfyError) -> Reply in
            do {
                let response = try await client.execute(prepared, deadline: .now() + TimeAmount(requestTimeout))
                if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxResponseBytes {
                    throw ComfyError.responseTooLarge(route: label, limit: maxResponseBytes)
                }
                let buffer = try await response.body.collect(upTo: maxResponseBytes)
                return Reply(status: Int(response.status.code), body: Array(buffer.readableBytesView))
            } catch {
                throw map(error, route: label)
            }
        }
    }

    /// GETs `route` and parses a JSON reply, retrying transport failures and 5xx replies per the retry policy.
    func getJSON(_ route: String, query: [(String, String)] = []) async throws(ComfyError) -> JSONValue {
        try await withRetry { () async throws(ComfyError) -> JSONValue in
            let reply = try await send(.GET, route, query: query)
            return try json(reply, route: "GET \(route)")
        }
    }

    /// Runs an idempotent operation, retrying transient failures with back-off.
    func withRetry<T>(_ operation: () async throws(ComfyError) -> T) async throws(ComfyError) -> T {
        var attempt = 1
        while true {
            do {
                return try await operation()
            } catch {
                guard error.isTransient, attempt < retry.maxAttempts, !Task.isCancelled else { throw error }
                logger.debug("retrying after transient failure", metadata: ["error": "\(error)", "attempt": "\(attempt)"])
                try? await Task.sleep(for: retry.delay(afterAttempt: attempt))
                attempt += 1
            }
        }
    }

    /// Checks a reply is 200 and parses its body as JSON.
    func json(_ reply: Reply, route: String) throws(ComfyError) -> JSONValue {
        guard reply.status == 200 else {
            throw ComfyError.httpStatus(route: route, status: reply.status, body: String(reply.text.prefix(2000)))
        }
        do {
            return try JSONValue.parse(reply.body, limits: JSONLimits(maxDepth: 512, maxBytes: maxResponseBytes))
        } catch {
            let start = ComfyError.oneLine(String(decoding: reply.body.prefix(60), as: UTF8.self), limit: 60)
            throw ComfyError.malformedReply(route: route, field: "(body)", reason: "not JSON (\(error)); body starts \"\(start)\"")
        }
    }

    /// Checks a reply is 200 (the body, usually empty, is ignored).
    func expectOK(_ reply: Reply, route: String) throws(ComfyError) {
        guard reply.status == 200 else {
            throw ComfyError.httpStatus(route: route, status: reply.status, body: String(reply.text.prefix(2000)))
        }
    }

    /// Streams a GET reply to `sink` chunk by chunk, refusing more than `maxBytes`; returns the bytes written.
    func download(_ route: String, query: [(String, String)], maxBytes: Int, readDeadline: Duration,
                  sink: (ByteBuffer) throws -> Void) async throws(ComfyError) -> Int {
        var request = HTTPClientRequest(url: endpoint.httpURL(route, query: query))
        request.headers = headers
        let label = "GET \(route)"
        let prepared = request
        return try await gated { () async throws(ComfyError) -> Int in
            do {
                let response = try await client.execute(prepared, deadline: .now() + TimeAmount(readDeadline))
                guard response.status == .ok else {
                    let body = (try? await response.body.collect(upTo: 64 << 10)).map { String(buffer: $0) } ?? ""
                    throw ComfyError.httpStatus(route: label, status: Int(response.status.code), body: body)
                }
                if let length = response.headers.first(name: "Content-Length").flatMap(Int.init), length > maxBytes {
                    throw ComfyError.responseTooLarge(route: label, limit: maxBytes)
                }
                var total = 0
                for try await chunk in response.body {
                    total += chunk.readableBytes
                    if total > maxBytes { throw ComfyError.responseTooLarge(route: label, limit: maxBytes) }
                    try sink(chunk)
                }
                return total
            } catch {
                throw map(error, route: label)
            }
        }
    }

    /// Turns any error from the HTTP stack into a `ComfyError` naming the server or route.
    func map(_ error: any Error, route: String) -> ComfyError {
        if let error = error as? ComfyError { return error }
        let server = endpoint.description
        if let address = endpoint.ipAddress, TransportClassifier.isHostnameMismatch(error) {
            return .transport(server: server, .certificateDoesNotListIP(address))
        }
        if error is NIOTooManyBytesError { return .responseTooLarge(route: route, limit: maxResponseBytes) }
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return .transport(server: server, .timeout("connecting for \(route)"))
            case .tlsHandshakeTimeout: return .transport(server: server, .tls("handshake timed out for \(route)"))
            case .deadlineExceeded, .readTimeout, .writeTimeout: return .transport(server: server, .timeout("\(route) took too long"))
            case .remoteConnectionClosed: return .transport(server: server, .connectionLost("server closed the connection during \(route)"))
            case .cancelled: return .transport(server: server, .connectionLost("\(route) was cancelled"))
            default: return .transport(server: server, .connectionLost("\(route): \(error)"))
            }
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .transport(server: server, .timeout("connecting for \(route)"))
        }
        return TransportClassifier.classify(error, server: server, context: route)
    }
}

/// Classifies low-level errors (NIO, NIOSSL, WebSocket) by kind without depending on their exact types.
enum TransportClassifier {
    /// Whether NIOSSL refused the peer's certificate because it does not list the name, or for a server
    /// addressed by IP the address, that was connected to.
    static func isHostnameMismatch(_ error: any Error) -> Bool {
        (error as? NIOSSLExtraError) == .failedToValidateHostname
    }

    static func classify(_ error: any Error, server: String, context: String) -> ComfyError {
        let typeName = String(reflecting: type(of: error))
        let text = "\(error)"
        if typeName.contains("SSL") || typeName.contains("TLS") || text.contains("handshake") || text.contains("CERTIFICATE") {
            return .transport(server: server, .tls("\(context): \(text)"))
        }
        let lower = text.lowercased()
        if lower.contains("refused") || lower.contains("unreachable") || lower.contains("no route") || lower.contains("host not found")
            || lower.contains("nodename") || lower.contains("name or service") {
            return .transport(server: server, .unreachable("\(context): \(text)"))
        }
        if lower.contains("timeout") || lower.contains("timed out") {
            return .transport(server: server, .timeout("\(context): \(text)"))
        }
        if lower.contains("reset") || lower.contains("closed") || lower.contains("eof") || lower.contains("ended")
            || lower.contains("broken pipe") || lower.contains("unexpected") {
            return .transport(server: server, .connectionLost("\(context): \(text)"))
        }
        return .transport(server: server, .unreachable("\(context): \(text)"))
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, atto) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + atto / 1_000_000_000)
    }
}

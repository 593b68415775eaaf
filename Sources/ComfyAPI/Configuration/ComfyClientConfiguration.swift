import Foundation
import NIOSSL

extension ComfyClient {
    /// Everything a `ComfyClient` needs to reach and drive one ComfyUI server; every field has a documented default.
    public struct Configuration: Sendable {
        /// The server, `http://` or `https://`, optionally with a path prefix (`https://host/comfy/`) kept on every request.
        public var baseURL: URL
        /// The WebSocket session id, sent as `clientId` on `/ws` and as `client_id` with every prompt (default: a new UUID).
        ///
        /// Keep it stable across a process restart to pick up a prompt's events with `awaitPrompt(id:)`.
        public var clientID: String
        /// Credentials for HTTP and the WebSocket upgrade (default `.none`).
        public var authentication: Authentication
        /// How long opening a TCP (and TLS) connection may take (default 5 s).
        public var connectTimeout: Duration
        /// How long one JSON request may take from start to complete body (default 30 s); downloads use `readTimeout`.
        public var requestTimeout: Duration
        /// The longest silence between two chunks of a streamed download (default 30 s).
        public var readTimeout: Duration
        /// A prompt that is running but sends no event for this long fails with `ComfyError.stalled` (default 300 s).
        ///
        /// A prompt still waiting in the server's queue is never considered stalled: the check must find it running
        /// at two silent checks in a row, so a stall is reported between one and two timeouts after its last event.
        public var stallTimeout: Duration
        /// How often a WebSocket ping is sent; a socket that does not answer is closed and reconnected (default 15 s).
        public var pingInterval: Duration
        /// Retries for idempotent requests and for a submit whose reply was lost (default `RetryPolicy()`).
        public var retry: RetryPolicy
        /// Back-off between WebSocket reconnect attempts; `maxAttempts` is ignored, reconnecting goes on until shutdown.
        public var reconnect: RetryPolicy
        /// The largest JSON reply accepted, in bytes (default 32 MiB); a bigger one fails with `ComfyError.responseTooLarge`.
        public var maxResponseBytes: Int
        /// The largest WebSocket frame accepted, in bytes (default 64 MiB); full-size preview images arrive as one frame.
        public var maxFrameBytes: Int
        /// TLS settings for `https` servers, for example a private CA (default: the system trust store).
        public var tlsConfiguration: TLSConfiguration?

        /// Creates a configuration for the server at `baseURL`; every other field has the default documented on it.
        public init(
            baseURL: URL,
            clientID: String = UUID().uuidString.lowercased(),
            authentication: Authentication = .none,
            connectTimeout: Duration = .seconds(5),
            requestTimeout: Duration = .seconds(30),
            readTimeout: Duration = .seconds(30),
            stallTimeout: Duration = .seconds(300),
            pingInterval: Duration = .seconds(15),
            retry: RetryPolicy = RetryPolicy(),
            reconnect: RetryPolicy = RetryPolicy(maxAttempts: .max, initialDelay: .milliseconds(100), maxDelay: .seconds(5)),
            maxResponseBytes: Int = 32 << 20,
            maxFrameBytes: Int = 64 << 20,
            tlsConfiguration: TLSConfiguration? = nil
        ) {
            self.baseURL = baseURL
            self.clientID = clientID
            self.authentication = authentication
            self.connectTimeout = connectTimeout
            self.requestTimeout = requestTimeout
            self.readTimeout = readTimeout
            self.stallTimeout = stallTimeout
            self.pingInterval = pingInterval
            self.retry = retry
            self.reconnect = reconnect
            self.maxResponseBytes = maxResponseBytes
            self.maxFrameBytes = maxFrameBytes
            self.tlsConfiguration = tlsConfiguration
        }
    }
}

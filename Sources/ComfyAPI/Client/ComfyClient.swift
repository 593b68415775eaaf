import AsyncHTTPClient
import ComfyWorkflow
import Foundation
import Logging
import NIOCore
import NIOPosix

/// A race-free client for one ComfyUI server: typed HTTP routes, one long-lived WebSocket, per-prompt event
/// streams, safe retries and reconnection.
///
/// Create it with a `Configuration`, call `connect()` (or just `submit`, which connects first), and always
/// call `shutdown()` when done: it closes the socket and, when the client created it, the `HTTPClient`.
///
/// ```swift
/// let client = try ComfyClient(configuration: .init(baseURL: URL(string: "http://127.0.0.1:8188")!))
/// for try await event in try await client.run(workflow) {
///     if case .completed(let result) = event { print(result.files) }
/// }
/// await client.shutdown()
/// ```
public actor ComfyClient {
    /// The configuration the client was built with.
    public nonisolated let configuration: Configuration
    /// The server's base URL as people name it (scheme, host, port, prefix), used in error messages.
    public nonisolated let server: String

    nonisolated let transport: HTTPTransport
    nonisolated let router: EventRouter
    nonisolated let socket: EventSocket
    let logger: Logger
    private let ownsHTTPClient: Bool
    private var watchdog: Task<Void, Never>?
    private var isShutDown = false

    /// Creates a client; nothing is sent until the first call.
    ///
    /// - Parameters:
    ///   - configuration: the server and the client's behaviour.
    ///   - httpClient: a shared `HTTPClient` to use; when nil the client creates one (with the configured
    ///     connect and read timeouts) and shuts it down in `shutdown()`. A shared one is never shut down here.
    ///   - logger: where the client logs reconnects and retries (debug and info levels).
    /// - Throws: `ComfyError.invalidConfiguration` for a base URL that is not http(s) with a host.
    public init(configuration: Configuration, httpClient: HTTPClient? = nil, logger: Logger = Logger(label: "ComfyAPI")) throws(ComfyError) {
        let endpoint = try ServerEndpoint(configuration.baseURL)
        guard !configuration.clientID.isEmpty else { throw ComfyError.invalidConfiguration("client id must not be empty") }
        guard configuration.maxFrameBytes >= 1 << 16 else {
            throw ComfyError.invalidConfiguration("maxFrameBytes \(configuration.maxFrameBytes) is below 64 KiB; preview frames would end the socket")
        }
        self.configuration = configuration
        self.server = endpoint.description
        self.logger = logger
        let http: HTTPClient
        if let httpClient {
            http = httpClient
            ownsHTTPClient = false
        } else {
            var httpConfiguration = HTTPClient.Configuration(
                tlsConfiguration: configuration.tlsConfiguration,
                timeout: .init(connect: TimeAmount(configuration.connectTimeout), read: TimeAmount(configuration.readTimeout)))
            httpConfiguration.connectionPool.retryConnectionEstablishment = false
            httpConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = HTTPTransport.connectionsPerServer
            http = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: httpConfiguration)
            ownsHTTPClient = true
        }
        transport = HTTPTransport(client: http, endpoint: endpoint, configuration: configuration, logger: logger)
        router = EventRouter()
        socket = EventSocket(
            settings: .init(
                url: endpoint.webSocketURL(clientID: configuration.clientID),
                server: endpoint.description,
                headers: configuration.authentication.headerFields,
                maxFrameBytes: configuration.maxFrameBytes,
                pingInterval: configuration.pingInterval,
                connectTimeout: configuration.connectTimeout,
                reconnect: configuration.reconnect,
                tls: configuration.tlsConfiguration),
            router: router,
            logger: logger)
    }

    /// Opens the WebSocket (if not open) and waits until it is connected and greeted.
    ///
    /// Safe to call repeatedly. After a drop the client reconnects on its own; calling `connect()` then waits
    /// for the next attempt.
    /// - Throws: `ComfyError.transport` when the attempt fails, `ComfyError.shutDown` after `shutdown()`.
    public func connect() async throws(ComfyError) {
        if isShutDown { throw ComfyError.shutDown }
        try await socket.connect()
        if watchdog == nil {
            let router = self.router
            let stall = configuration.stallTimeout
            let interval = max(.milliseconds(50), min(stall / 4, .seconds(5)))
            watchdog = Task {
                while !Task.isCancelled {
                    try? await Task.sleep(for: interval)
                    await router.checkIdle(timeout: stall)
                }
            }
        }
    }

    /// True while the WebSocket is open.
    public var isConnected: Bool {
        get async { await socket.isConnected }
    }

    /// How many WebSocket connections have been opened (1 plus the number of reconnects).
    public var connectionCount: Int {
        get async { await socket.connectionCount }
    }

    /// Every event the socket receives, for all prompts (status, other clients' broadcasts, …), until shutdown.
    ///
    /// The buffer keeps the newest 4096 events if the consumer falls behind.
    public func events() async -> AsyncStream<ServerEvent> {
        await router.listen()
    }

    /// Closes the WebSocket, ends every prompt stream with `ComfyError.shutDown`, and shuts down the
    /// `HTTPClient` if the client created it. Call it exactly once when done; later calls do nothing.
    public func shutdown() async {
        guard !isShutDown else { return }
        isShutDown = true
        watchdog?.cancel()
        await watchdog?.value
        watchdog = nil
        await socket.stop()
        await router.close()
        if ownsHTTPClient {
            do { try await transport.client.shutdown() } catch { logger.debug("HTTPClient shutdown: \(error)") }
        }
    }

    func checkOpen() throws(ComfyError) {
        if isShutDown { throw ComfyError.shutDown }
    }
}

import ComfyWorkflow
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import WSClient

/// The client's one long-lived WebSocket: connects, greets with `feature_flags`, decodes every frame into the
/// router, and reconnects with back-off under the same client id after the old socket has fully closed.
actor EventSocket {
    struct Settings: Sendable {
        var url: String
        var server: String
        var headers: [(name: String, value: String)]
        var maxFrameBytes: Int
        var pingInterval: Duration
        var connectTimeout: Duration
        var reconnect: RetryPolicy
        var tls: TLSConfiguration?
    }

    private struct ConnectTimedOut: Error {}

    private let settings: Settings
    private let router: EventRouter
    private let logger: Logger
    private var loop: Task<Void, Never>?
    private var connected = false
    private var stopped = false
    private var connections = 0
    private var waiters: [CheckedContinuation<Void, any Error>] = []
    /// The event loop of the current connection attempt; shutting it down closes the connection even while the
    /// upgrade is still pending (WSClient cannot be cancelled then).
    private var attemptLoop: MultiThreadedEventLoopGroup?
    private var attemptTimedOut = false

    init(settings: Settings, router: EventRouter, logger: Logger) {
        self.settings = settings
        self.router = router
        self.logger = logger
    }

    /// True while a connection is open and greeted.
    var isConnected: Bool { connected }

    /// How many connections have been opened so far (reconnects included).
    var connectionCount: Int { connections }

    /// Opens the socket if needed and waits until it is connected; throws the failure of the next attempt otherwise.
    func connect() async throws(ComfyError) {
        if stopped { throw ComfyError.shutDown }
        if connected { return }
        if loop == nil {
            loop = Task { await self.run() }
        }
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                waiters.append(continuation)
            }
        } catch let error as ComfyError {
            throw error
        } catch {
            throw ComfyError.transport(server: settings.server, .unreachable("\(error)"))
        }
    }

    /// Closes the socket and stops reconnecting; returns once the connection has fully ended.
    func stop() async {
        stopped = true
        let task = loop
        task?.cancel()
        if !connected, let attemptLoop { try? await attemptLoop.shutdownGracefully() }
        await task?.value
        loop = nil
        connected = false
        resumeWaiters(with: .failure(ComfyError.shutDown))
    }

    private func run() async {
        var failures = 0
        var dropped = false
        while !Task.isCancelled && !stopped {
            let started = ContinuousClock.now
            let error = await connectOnce()
            let wasConnected = connected
            connected = false
            if Task.isCancelled || stopped { break }
            let failure = error.map { self.classify($0) }
                ?? ComfyError.transport(server: settings.server, .connectionLost("server closed the WebSocket"))
            if wasConnected {
                // A connection that lived a while resets the back-off; one dropped at once counts as a failure,
                // so a server that accepts and immediately closes is not hammered.
                failures = ContinuousClock.now - started > .seconds(5) ? 1 : failures + 1
                dropped = true
                logger.info("WebSocket to \(settings.server) ended; reconnecting", metadata: ["reason": "\(failure)"])
            } else {
                failures += 1
                logger.debug("WebSocket connect to \(settings.server) failed", metadata: ["error": "\(failure)"])
                resumeWaiters(with: .failure(failure))
                // The first failed reconnect after a drop: have every awaited prompt check with the server now,
                // so a server that is gone for good fails them (transport error) instead of leaving them waiting.
                if dropped {
                    dropped = false
                    await router.reconcileAll()
                }
            }
            try? await Task.sleep(for: settings.reconnect.delay(afterAttempt: max(1, failures)))
        }
    }

    /// Runs one connection to its end; returns the error that ended it, nil for a clean close.
    private func connectOnce() async -> (any Error)? {
        var fields = HTTPFields()
        for header in settings.headers {
            if let name = HTTPField.Name(header.name) { fields.append(HTTPField(name: name, value: header.value)) }
        }
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: settings.maxFrameBytes,
            additionalHeaders: fields,
            closeTimeout: .seconds(2),
            autoPing: .enabled(timePeriod: settings.pingInterval),
            validateUTF8: false)
        let url = settings.url
        let tls = settings.tls
        let logger = self.logger
        let router = self.router
        let maxFrame = settings.maxFrameBytes
        let timeout = settings.connectTimeout
        let eventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        attemptLoop = eventLoop
        attemptTimedOut = false
        defer { attemptLoop = nil }
        let outcome = await run(url: url, configuration: configuration, tls: tls, eventLoop: eventLoop, logger: logger,
                                router: router, maxFrame: maxFrame, timeout: timeout)
        try? await eventLoop.shutdownGracefully()
        return attemptTimedOut ? ConnectTimedOut() : outcome
    }

    private func abandonAttempt(_ eventLoop: MultiThreadedEventLoopGroup) async -> Bool {
        guard !connected else { return false }
        attemptTimedOut = true
        try? await eventLoop.shutdownGracefully()
        return true
    }

    private func run(url: String, configuration: WebSocketClientConfiguration, tls: TLSConfiguration?,
                     eventLoop: MultiThreadedEventLoopGroup, logger: Logger, router: EventRouter, maxFrame: Int,
                     timeout: Duration) async -> (any Error)? {
        do {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls,
                                                       eventLoopGroup: eventLoop, logger: logger) { inbound, outbound, _ in
                        try await outbound.write(.text(#"{"type":"feature_flags","data":{"supports_preview_metadata":true}}"#))
                        await self.didConnect()
                        for try await message in inbound.messages(maxSize: maxFrame) {
                            let event: ServerEvent
                            switch message {
                            case .text(let text): event = ServerEventDecoder.decode(text: text.utf8)
                            case .binary(let buffer): event = ServerEventDecoder.decode(binary: Array(buffer.readableBytesView))
                            }
                            await router.route(event)
                        }
                    }
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    if await self.abandonAttempt(eventLoop) { throw ConnectTimedOut() }
                    return false
                }
                while let connectionEnded = try await group.next() {
                    if connectionEnded { group.cancelAll(); return }
                }
            }
            return nil
        } catch {
            return error
        }
    }

    private func didConnect() async {
        connected = true
        connections += 1
        resumeWaiters(with: .success(()))
        if connections > 1 { await router.reconcileAll() }
    }

    private func resumeWaiters(with result: Result<Void, ComfyError>) {
        let pending = waiters
        waiters = []
        for waiter in pending {
            switch result {
            case .success: waiter.resume()
            case .failure(let error): waiter.resume(throwing: error)
            }
        }
    }

    private func classify(_ error: any Error) -> ComfyError {
        if let error = error as? ComfyError { return error }
        if error is ConnectTimedOut {
            return .transport(server: settings.server, .timeout("WebSocket not open after \(settings.connectTimeout)"))
        }
        if let error = error as? WebSocketClientError {
            if error == .webSocketUpgradeFailed {
                return .transport(server: settings.server, .webSocketRejected("the server did not upgrade \(settings.url)"))
            }
            if error == .serverSentMessageTooLarge {
                return .transport(server: settings.server, .connectionLost("a WebSocket frame exceeded \(settings.maxFrameBytes) bytes"))
            }
            return .transport(server: settings.server, .connectionLost("\(error)"))
        }
        if "\(error)".contains("cannotUseIPAddressInSNI") {
            return .transport(server: settings.server, .tls("wss to an IP address is not supported (no SNI for IPs); use a host name"))
        }
        return TransportClassifier.classify(error, server: settings.server, context: "WebSocket")
    }
}

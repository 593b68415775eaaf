import ComfyWorkflow
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
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
        /// How long a closing connection may take (close handshake) before its socket is closed under it.
        var closeGrace: Duration = .seconds(3)
        /// How long an abandoned attempt may keep running before its event loop is shut down under it.
        var abandonLimit: Duration = .seconds(30)
    }

    private struct ConnectTimedOut: Error {}

    /// The first message on every connection: what ComfyUI's own frontend announces.
    private static let greeting = #"{"type":"feature_flags","data":{"supports_preview_metadata":true}}"#

    /// Why the reconnect loop stops waiting on a connection attempt.
    private enum AttemptEnd: Sendable {
        /// The WebSocket client returned: the connection ended (nil: closed cleanly) or never opened.
        case ended((any Error)?)
        /// The connect timeout (or, while closing, the close grace) elapsed.
        case timerFired
        /// `stop()` was called.
        case stopped
    }

    /// The connection attempt in progress: its id and the channel through which it is told to end.
    private struct Attempt {
        let id: UInt64
        let signal: AsyncStream<AttemptEnd>.Continuation
    }

    private let settings: Settings
    /// For `wss` to an IP literal, where to connect: `WSClient` would send the IP as SNI, which NIOSSL refuses.
    private let ipTarget: IPAddressWebSocket.Target?
    private let router: EventRouter
    private let logger: Logger
    private var loop: Task<Void, Never>?
    private var connected = false
    private var stopped = false
    private var connections = 0
    private var attempt: Attempt?
    private var attemptCount: UInt64 = 0
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var waiterCount: UInt64 = 0

    init(settings: Settings, router: EventRouter, logger: Logger) {
        self.settings = settings
        self.ipTarget = Self.ipTarget(settings.url)
        self.router = router
        self.logger = logger
    }

    /// The connection target of a `wss` URL whose host is an IP literal; nil for `ws` and for host names.
    static func ipTarget(_ url: String) -> IPAddressWebSocket.Target? {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "wss",
              let host = components.host, let address = ServerEndpoint.ipLiteral(host) else { return nil }
        let port = components.port ?? 443
        let bracketed = address.contains(":") ? "[\(address)]" : address
        let query = components.percentEncodedQuery.map { "?" + $0 } ?? ""
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return IPAddressWebSocket.Target(address: address, port: port, hostHeader: "\(bracketed):\(port)", requestURI: path + query)
    }

    /// True while a connection is open and greeted.
    var isConnected: Bool { connected }

    /// How many connections have been opened so far (reconnects included).
    var connectionCount: Int { connections }

    /// Opens the socket if needed and waits until it is connected; throws the failure of the next attempt otherwise.
    ///
    /// Throws `ComfyError.cancelled` at once when the calling task is cancelled while it waits.
    func connect() async throws(ComfyError) {
        if stopped { throw ComfyError.shutDown }
        if connected { return }
        if Task.isCancelled { throw ComfyError.cancelled }
        if loop == nil {
            loop = Task { await self.run() }
        }
        waiterCount += 1
        let id = waiterCount
        do {
            try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    waiters[id] = continuation
                }
            } onCancel: {
                Task { await self.cancelWaiter(id) }
            }
        } catch let error as ComfyError {
            throw error
        } catch {
            throw ComfyError.transport(server: settings.server, .unreachable("\(error)"))
        }
    }

    /// Closes the socket and stops reconnecting; returns once the reconnect loop has ended.
    ///
    /// Bounded: a connection that does not finish its close handshake within the close grace is closed under it.
    func stop() async {
        stopped = true
        attempt?.signal.yield(.stopped)
        let task = loop
        task?.cancel()
        await task?.value
        loop = nil
        connected = false
        resumeWaiters(with: .failure(ComfyError.shutDown))
    }

    /// Waits until `task` ends or `limit` passes, whichever comes first; true when it ended.
    /// (`Task.value` cannot be cancelled, so the race runs through a stream rather than a task group.)
    private static func ends(_ task: Task<Void, Never>, within limit: Duration) async -> Bool {
        let (outcome, signal) = AsyncStream.makeStream(of: Bool.self)
        let watcher = Task { await task.value; signal.yield(true) }
        let timer = Task { try? await Task.sleep(for: limit); signal.yield(false) }
        var iterator = outcome.makeAsyncIterator()
        let ended = await iterator.next() ?? false
        timer.cancel()
        signal.finish()
        _ = watcher
        return ended
    }

    private func cancelWaiter(_ id: UInt64) {
        waiters.removeValue(forKey: id)?.resume(throwing: ComfyError.cancelled)
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
        connected = false
        resumeWaiters(with: .failure(ComfyError.shutDown))
    }

    /// Runs one connection to its end; returns the error that ended it, nil for a clean close.
    ///
    /// The WebSocket client runs in a task of its own on an event loop of its own, and this loop never waits
    /// on that task without a bound: a connect that hangs (a silent server), or a connection that does not
    /// close when told to, is abandoned by shutting its event loop down, which closes its socket. (Awaiting
    /// the client after its loop is gone could wait forever: a future bound to a dead loop never completes.)
    private func connectOnce() async -> (any Error)? {
        if stopped || Task.isCancelled { return nil }
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
        let eventLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        attemptCount += 1
        let id = attemptCount
        let (ends, signal) = AsyncStream.makeStream(of: AttemptEnd.self)
        attempt = Attempt(id: id, signal: signal)
        let ipTarget = self.ipTarget
        let direct = ipTarget.map { _ in
            IPAddressWebSocket.Options(headers: settings.headers, tls: tls ?? .makeClientConfiguration(), maxMessageBytes: maxFrame,
                                       pingInterval: settings.pingInterval, connectTimeout: settings.connectTimeout,
                                       closeTimeout: configuration.closeTimeout)
        }
        let connection = Task {
            do {
                if let ipTarget, let direct {
                    try await IPAddressWebSocket.run(ipTarget, options: direct, eventLoopGroup: eventLoop, logger: logger) { messages, sender in
                        guard await self.didConnect(attempt: id) else { return }
                        try await sender.send(text: Self.greeting)
                        for try await message in messages {
                            switch message {
                            case .text(let text): await router.route(ServerEventDecoder.decode(text: text.utf8))
                            case .binary(let bytes): await router.route(ServerEventDecoder.decode(binary: bytes))
                            }
                        }
                    }
                } else {
                    try await WebSocketClient.connect(url: url, configuration: configuration, tlsConfiguration: tls,
                                                       eventLoopGroup: eventLoop, logger: logger) { inbound, outbound, _ in
                        guard await self.didConnect(attempt: id) else { return }
                        try await outbound.write(.text(Self.greeting))
                        for try await message in inbound.messages(maxSize: maxFrame) {
                            let event: ServerEvent
                            switch message {
                            case .text(let text): event = ServerEventDecoder.decode(text: text.utf8)
                            case .binary(let buffer): event = ServerEventDecoder.decode(binary: Array(buffer.readableBytesView))
                            }
                            await router.route(event)
                        }
                    }
                }
                signal.yield(.ended(nil))
            } catch {
                signal.yield(.ended(error))
            }
        }
        let timeout = settings.connectTimeout
        let connectTimer = Task {
            try? await Task.sleep(for: timeout)
            if !Task.isCancelled { signal.yield(.timerFired) }
        }
        var outcome: (any Error)?
        var abandoned = false
        var endings = ends.makeAsyncIterator()
        waiting: while let end = await endings.next() {
            switch end {
            case .ended(let error):
                outcome = error
                break waiting
            case .timerFired:
                if connected { continue waiting }
                outcome = ConnectTimedOut()
                abandoned = true
                break waiting
            case .stopped:
                abandoned = true
                break waiting
            }
        }
        connectTimer.cancel()
        attempt = nil
        connection.cancel()
        if abandoned && connected {
            // An open connection, asked to end, sends its close frame: give it the close grace to do so. An
            // attempt still connecting has nothing to say; shutting its loop down below closes its socket.
            let grace = settings.closeGrace
            let graceTimer = Task {
                try? await Task.sleep(for: grace)
                if !Task.isCancelled { signal.yield(.timerFired) }
            }
            closing: while let end = await endings.next() {
                if case .stopped = end { continue closing }
                if case .timerFired = end { logger.debug("WebSocket to \(settings.server) did not close in time; closing its socket") }
                break closing
            }
            graceTimer.cancel()
        }
        signal.finish()
        // The attempt's loop is shut down once the WebSocket client has returned (its socket is closed by then),
        // or after the abandon limit for one that never returns (a server silent on the upgrade): that closes
        // its socket under it. Shutting a loop down under a live client makes NIO complain on stderr, and the
        // client's futures on it never complete, so it is the last resort. Not awaited: nothing here depends on it.
        let limit = settings.abandonLimit
        Task.detached {
            if await !Self.ends(connection, within: limit) {
                logger.debug("abandoning a WebSocket attempt that did not end within \(limit)")
            }
            try? await eventLoop.shutdownGracefully()
        }
        return outcome
    }

    /// Marks the socket connected; false when the attempt was already abandoned (it must close at once).
    private func didConnect(attempt id: UInt64) async -> Bool {
        guard attempt?.id == id, !stopped else { return false }
        connected = true
        connections += 1
        resumeWaiters(with: .success(()))
        if connections > 1 { await router.reconcileAll() }
        return true
    }

    private func resumeWaiters(with result: Result<Void, ComfyError>) {
        let pending = waiters
        waiters = [:]
        for waiter in pending.values {
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
        if let address = ipTarget?.address, TransportClassifier.isHostnameMismatch(error) {
            return .transport(server: settings.server, .certificateDoesNotListIP(address))
        }
        if let error = error as? IPAddressWebSocket.Failure {
            switch error {
            case .notUpgraded:
                return .transport(server: settings.server, .webSocketRejected("the server did not upgrade \(settings.url)"))
            case .messageTooLarge, .protocolViolation, .pingUnanswered:
                return .transport(server: settings.server, .connectionLost("\(error)"))
            }
        }
        if let error = error as? NIOWebSocketError, error == .invalidFrameLength {
            return .transport(server: settings.server, .connectionLost("a WebSocket frame exceeded \(settings.maxFrameBytes) bytes"))
        }
        return TransportClassifier.classify(error, server: settings.server, context: "WebSocket")
    }
}

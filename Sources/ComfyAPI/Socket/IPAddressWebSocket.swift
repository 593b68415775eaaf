import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import NIOWebSocket

/// A `wss` connection to a server addressed by an IP literal (`https://10.1.2.3:8188`, `https://[fd00::5]:8188`).
///
/// swift-websocket's `WSClient` hands the URL's host to NIOSSL as the SNI name, and NIOSSL refuses an IP
/// address there (RFC 6066 forbids it), so `WSClient` cannot open such a socket however it is configured. This
/// sets the channel up with SwiftNIO's own parts instead: a `NIOSSLClientHandler` with no server name (so no SNI
/// is sent) under the HTTP/1.1 upgrade and NIOWebSocket's frame codec. Verification stays on: NIOSSL checks the
/// chain against the configured trust roots and, having no name to match, checks the address it is connected
/// to against the certificate's IP subjectAltName entries (as browsers, curl and AsyncHTTPClient do); a
/// certificate that does not list the IP fails the handshake with `NIOSSLExtraError.failedToValidateHostname`.
///
/// The connection answers pings, sends its own every `pingInterval` (an unanswered one ends the connection),
/// reassembles fragmented messages up to `maxMessageBytes`, and closes with a close frame.
enum IPAddressWebSocket {
    /// Where to connect and what to ask for.
    struct Target: Sendable {
        /// The IP literal to connect to (no brackets).
        var address: String
        /// The TCP port.
        var port: Int
        /// The `Host` header: the address as written in the URL (bracketed for IPv6) and the port.
        var hostHeader: String
        /// The request target: path and query.
        var requestURI: String
    }

    /// The connection's settings.
    struct Options: Sendable {
        /// Extra request headers (authentication).
        var headers: [(name: String, value: String)]
        /// TLS settings: trust roots and the like (verification must stay on).
        var tls: TLSConfiguration
        /// The largest frame and the largest reassembled message accepted, in bytes.
        var maxMessageBytes: Int
        /// How often a ping is sent; a ping still unanswered when the next one is due ends the connection.
        var pingInterval: Duration
        /// How long opening the TCP connection may take.
        var connectTimeout: Duration
        /// How long the server may take to answer our close frame before the socket is closed under it.
        var closeTimeout: Duration
    }

    /// One complete message from the server.
    enum Message: Sendable {
        case text(String)
        case binary([UInt8])
    }

    /// Why the connection failed or ended, beyond the errors of NIO and NIOSSL themselves.
    enum Failure: Error, Sendable, CustomStringConvertible {
        /// The server answered the upgrade request without switching to WebSocket.
        case notUpgraded
        /// A message (all its fragments together) exceeded the limit.
        case messageTooLarge(Int)
        /// The server broke the WebSocket protocol.
        case protocolViolation(String)
        /// A ping went unanswered for a whole ping interval.
        case pingUnanswered(Duration)

        var description: String {
            switch self {
            case .notUpgraded: return "the server did not upgrade to WebSocket"
            case .messageTooLarge(let limit): return "a WebSocket message exceeded \(limit) bytes"
            case .protocolViolation(let reason): return "WebSocket protocol violation: \(reason)"
            case .pingUnanswered(let interval): return "no pong within \(interval)"
            }
        }
    }

    /// Sends frames on the open connection (masked, as a client must).
    struct Sender: Sendable {
        fileprivate let writer: NIOAsyncChannelOutboundWriter<WebSocketFrame>
        fileprivate let allocator: ByteBufferAllocator

        /// Sends one text message.
        func send(text: String) async throws {
            try await send(.text, ByteBuffer(string: text))
        }

        fileprivate func send(_ opcode: WebSocketOpcode, _ data: ByteBuffer) async throws {
            try await writer.write(WebSocketFrame(fin: true, opcode: opcode, maskKey: .random(), data: data))
        }

        fileprivate func close(_ code: WebSocketErrorCode) async throws {
            var data = allocator.buffer(capacity: 2)
            data.write(webSocketErrorCode: code)
            try await send(.connectionClose, data)
        }
    }

    private enum Upgrade: Sendable {
        case upgraded(NIOAsyncChannel<WebSocketFrame, WebSocketFrame>)
        case notUpgraded
    }

    /// A connected channel and the outcome of its upgrade request.
    private struct Connecting: Sendable {
        let channel: any Channel
        let upgrade: EventLoopFuture<Upgrade>
    }

    /// Connects, upgrades, runs `handler` with the inbound messages and a sender, then closes the connection.
    ///
    /// Returns when the connection has ended: `handler` returned (a close frame is then sent) or the server
    /// closed it (the message sequence ends). Throws the handshake's, the upgrade's or the connection's error.
    static func run(
        _ target: Target, options: Options, eventLoopGroup: any EventLoopGroup, logger: Logger,
        handler: @escaping @Sendable (AsyncThrowingStream<Message, any Error>, Sender) async throws -> Void
    ) async throws {
        let context = try NIOSSLContext(configuration: options.tls)
        var head = HTTPRequestHead(version: .http1_1, method: .GET, uri: target.requestURI)
        head.headers.add(name: "Host", value: target.hostHeader)
        for header in options.headers { head.headers.add(name: header.name, value: header.value) }
        let requestHead = head
        let maxBytes = options.maxMessageBytes
        let address = try SocketAddress(ipAddress: target.address, port: target.port)
        let connecting = try await ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(TimeAmount(options.connectTimeout))
            .connect(to: address) { channel in
                channel.eventLoop.makeCompletedFuture {
                    // No server name: no SNI for an IP, and NIOSSL matches the peer address against the IP SANs.
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    let upgrader = NIOTypedWebSocketClientUpgrader<Upgrade>(maxFrameSize: maxBytes) { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            .upgraded(try NIOAsyncChannel<WebSocketFrame, WebSocketFrame>(wrappingChannelSynchronously: channel))
                        }
                    }
                    var pipeline = NIOUpgradableHTTPClientPipelineConfiguration(upgradeConfiguration: .init(
                        upgradeRequestHead: requestHead, upgraders: [upgrader],
                        notUpgradingCompletionHandler: { $0.eventLoop.makeSucceededFuture(.notUpgraded) }))
                    // The server may send its first frame in the same packet as the 101: keep those bytes.
                    pipeline.leftOverBytesStrategy = .forwardBytes
                    let upgrade = try channel.pipeline.syncOperations.configureUpgradableHTTPClientPipeline(configuration: pipeline)
                    return Connecting(channel: channel, upgrade: upgrade)
                }
            }
        // The handshake and the upgrade are awaited on a future: close the channel if the task is cancelled meanwhile.
        let upgrade = try await withTaskCancellationHandler {
            try await connecting.upgrade.get()
        } onCancel: {
            connecting.channel.close(promise: nil)
        }
        guard case .upgraded(let socket) = upgrade else {
            try? await connecting.channel.close()
            throw Failure.notUpgraded
        }
        logger.debug("WebSocket to \(target.hostHeader) open (TLS without SNI, certificate checked against the IP)")
        try await socket.executeThenClose { inbound, outbound in
            let sender = Sender(writer: outbound, allocator: connecting.channel.allocator)
            try await converse(inbound: inbound, sender: sender, options: options, handler: handler)
        }
    }

    /// Reads frames into messages while `handler` consumes them; pings; closes once `handler` returns.
    private static func converse(
        inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, sender: Sender, options: Options,
        handler: @Sendable (AsyncThrowingStream<Message, any Error>, Sender) async throws -> Void
    ) async throws {
        let (messages, sink) = AsyncThrowingStream.makeStream(of: Message.self)
        let pongs = PongLedger()
        let (readerDone, readerSignal) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            await read(inbound, sender: sender, into: sink, pongs: pongs, maxBytes: options.maxMessageBytes)
            readerSignal.finish()
        }
        let interval = options.pingInterval
        let pinger = Task {
            while !Task.isCancelled {
                do { try await Task.sleep(for: interval) } catch { return }
                guard await pongs.ping() else {
                    sink.finish(throwing: Failure.pingUnanswered(interval))
                    return
                }
                do { try await sender.send(.ping, ByteBuffer()) } catch { return }
            }
        }
        defer {
            pinger.cancel()
            reader.cancel()
        }
        let outcome: Result<Void, any Error>
        do {
            try await handler(messages, sender)
            outcome = .success(())
        } catch {
            outcome = .failure(error)
        }
        pinger.cancel()
        // Say goodbye unless the server already did; wait (bounded) for its close frame to end the reader.
        if await pongs.closeSent() == false {
            try? await sender.close(.normalClosure)
            let limit = options.closeTimeout
            let timer = Task {
                try? await Task.sleep(for: limit)
                readerSignal.finish()
            }
            for await _ in readerDone {}
            timer.cancel()
        }
        try outcome.get()
    }

    /// Turns frames into messages: answers pings, records pongs, joins fragments, and answers a close frame.
    private static func read(
        _ inbound: NIOAsyncChannelInboundStream<WebSocketFrame>, sender: Sender,
        into sink: AsyncThrowingStream<Message, any Error>.Continuation, pongs: PongLedger, maxBytes: Int
    ) async {
        var partial: (opcode: WebSocketOpcode, bytes: [UInt8])?
        do {
            for try await frame in inbound {
                switch frame.opcode {
                case .text, .binary:
                    guard partial == nil else { throw Failure.protocolViolation("a message began inside a fragmented one") }
                    let bytes = Array(frame.unmaskedData.readableBytesView)
                    if frame.fin { sink.yield(message(frame.opcode, bytes)) } else { partial = (frame.opcode, bytes) }
                case .continuation:
                    guard var message = partial else { throw Failure.protocolViolation("a continuation frame without a message") }
                    message.bytes += frame.unmaskedData.readableBytesView
                    guard message.bytes.count <= maxBytes else {
                        try? await sender.close(.messageTooLarge)
                        throw Failure.messageTooLarge(maxBytes)
                    }
                    if frame.fin {
                        sink.yield(Self.message(message.opcode, message.bytes))
                        partial = nil
                    } else {
                        partial = message
                    }
                case .ping:
                    try await sender.send(.pong, frame.unmaskedData)
                case .pong:
                    await pongs.pong()
                case .connectionClose:
                    if await pongs.markCloseSent() {
                        var reply = frame.unmaskedData
                        let code = reply.readWebSocketErrorCode() ?? .normalClosure
                        try? await sender.close(code)
                    }
                    sink.finish()
                    return
                default:
                    throw Failure.protocolViolation("unknown opcode \(frame.opcode)")
                }
            }
            sink.finish()
        } catch {
            sink.finish(throwing: error)
        }
    }

    private static func message(_ opcode: WebSocketOpcode, _ bytes: [UInt8]) -> Message {
        opcode == .text ? .text(String(decoding: bytes, as: UTF8.self)) : .binary(bytes)
    }
}

/// Whether the last ping was answered, and whether a close frame went out.
private actor PongLedger {
    private var awaitingPong = false
    private var closing = false

    /// Records a ping about to be sent; false when the previous one is still unanswered.
    func ping() -> Bool {
        if awaitingPong { return false }
        awaitingPong = true
        return true
    }

    /// Records a pong.
    func pong() { awaitingPong = false }

    /// Records that a close frame is being sent; false when one already was.
    func markCloseSent() -> Bool {
        defer { closing = true }
        return !closing
    }

    /// Whether a close frame was sent; marks one as sent from now on.
    func closeSent() -> Bool {
        defer { closing = true }
        return closing
    }
}

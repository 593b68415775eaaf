import ComfyTestSupport
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A deliberately misbehaving HTTP/1.1 server on 127.0.0.1:0 for replies no real or emulated ComfyUI sends:
/// non-JSON, wrong types, truncated bodies, huge bodies. It records every request head it receives.
/// It writes raw bytes (no HTTP codec) so it can break the protocol on purpose, and closes after each reply.
final class HostileServer: StoppableServer {
    /// A request as received.
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [(String, String)]
        var body: [UInt8] = []
        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
    }

    /// What to send back.
    enum Reply: Sendable {
        /// A well-formed reply with a correct Content-Length.
        case body(status: Int, contentType: String?, [UInt8])
        /// A reply that promises `declared` bytes but sends `body` and closes.
        case truncated(declared: Int, body: [UInt8])
        /// 200 application/json with no Content-Length, `bytes` of JSON-looking text, streamed in 1 MiB chunks until close.
        case huge(bytes: Int)
        /// Close the connection without answering.
        case hangUp
        /// Keep the connection open and never answer.
        case silent
    }

    let channel: any Channel
    private let recorded: NIOLockedValueBox<[Request]>

    var port: Int { channel.localAddress?.port ?? 0 }
    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }
    var requests: [Request] { recorded.withLockedValue { $0 } }

    private init(channel: any Channel, recorded: NIOLockedValueBox<[Request]>) {
        self.channel = channel
        self.recorded = recorded
    }

    static func start(_ respond: @escaping @Sendable (Request) -> Reply) async throws -> HostileServer {
        let recorded = NIOLockedValueBox<[Request]>([])
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 64)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RawHandler(respond: respond, recorded: recorded))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return HostileServer(channel: channel, recorded: recorded)
    }

    func stop() async {
        try? await channel.close()
    }

    private final class RawHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let respond: @Sendable (Request) -> Reply
        let recorded: NIOLockedValueBox<[Request]>
        var buffer: [UInt8] = []
        var answered = false

        init(respond: @escaping @Sendable (Request) -> Reply, recorded: NIOLockedValueBox<[Request]>) {
            self.respond = respond
            self.recorded = recorded
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var incoming = unwrapInboundIn(data)
            buffer += incoming.readBytes(length: incoming.readableBytes) ?? []
            guard !answered, let end = headerEnd() else { return }
            let head = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let parts = head[0].split(separator: " ")
            let headers = head.dropFirst().compactMap { line -> (String, String)? in
                guard let colon = line.firstIndex(of: ":") else { return nil }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            var request = Request(method: parts.first.map(String.init) ?? "", target: parts.count > 1 ? String(parts[1]) : "", headers: headers)
            let length = Int(request.header("Content-Length") ?? "0") ?? 0
            guard buffer.count >= end + 4 + length else { return }
            request.body = Array(buffer[(end + 4)..<(end + 4 + length)])
            answered = true
            recorded.withLockedValue { $0.append(request) }
            send(respond(request), context: context)
        }

        private func headerEnd() -> Int? {
            guard buffer.count >= 4 else { return nil }
            for i in 0...(buffer.count - 4) where buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 {
                return i
            }
            return nil
        }

        private func send(_ reply: Reply, context: ChannelHandlerContext) {
            let channel = context.channel
            @Sendable func write(_ bytes: [UInt8]) -> EventLoopFuture<Void> {
                channel.writeAndFlush(channel.allocator.buffer(bytes: bytes))
            }
            switch reply {
            case .body(let status, let type, let body):
                var head = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
                if let type { head += "Content-Type: \(type)\r\n" }
                _ = write(Array((head + "\r\n").utf8) + body).flatMap { channel.close() }
            case .truncated(let declared, let body):
                let head = "HTTP/1.1 200 OK\r\nContent-Length: \(declared)\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                _ = write(Array(head.utf8) + body).flatMap { channel.close() }
            case .huge(let total):
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
                let chunk = [UInt8](repeating: UInt8(ascii: "7"), count: 1 << 20)
                @Sendable func pump(_ sent: Int) -> EventLoopFuture<Void> {
                    guard sent < total, channel.isActive else { return channel.close() }
                    return write(chunk).flatMap { pump(sent + chunk.count) }
                }
                _ = write(Array((head + "[").utf8)).flatMap { pump(0) }
            case .hangUp:
                _ = channel.close()
            case .silent:
                break
            }
        }
    }
}

import Foundation
import NIOCore
import NIOPosix

/// A loopback HTTP server that answers every request with 200 and a body that never ends (no
/// Content-Length, chunks until the client closes): the "server streaming forever" of issue 8.
final class EndlessServer: Sendable {
    let channel: any Channel

    var baseURL: URL { URL(string: "http://127.0.0.1:\(channel.localAddress?.port ?? 0)")! }

    private init(channel: any Channel) {
        self.channel = channel
    }

    /// Starts the server; `contentType` is sent with every reply, `chunk` repeated forever.
    static func start(contentType: String, chunk: [UInt8]) async throws -> EndlessServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Streamer(contentType: contentType, chunk: chunk))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return EndlessServer(channel: channel)
    }

    func stop() async {
        try? await channel.close()
    }

    /// Waits for the end of the request head, then writes the reply head and chunks while the socket is writable.
    private final class Streamer: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let contentType: String
        let chunk: [UInt8]
        private var received: [UInt8] = []
        private var streaming = false

        init(contentType: String, chunk: [UInt8]) {
            self.contentType = contentType
            self.chunk = chunk
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !streaming else { return }
            received += Array(buffer: unwrapInboundIn(data))
            guard received.count >= 4, received.indices.dropLast(3).contains(where: { received[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }) else { return }
            streaming = true
            let head = "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\nConnection: close\r\n\r\n"
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: head)), promise: nil)
            pump(context: context)
        }

        func channelWritabilityChanged(context: ChannelHandlerContext) {
            if streaming { pump(context: context) }
            context.fireChannelWritabilityChanged()
        }

        private func pump(context: ChannelHandlerContext) {
            while context.channel.isActive && context.channel.isWritable {
                context.write(wrapOutboundOut(ByteBuffer(bytes: chunk)), promise: nil)
            }
            context.flush()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}

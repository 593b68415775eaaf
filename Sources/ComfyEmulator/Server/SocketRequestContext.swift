import Hummingbird
import HummingbirdWebSocket

/// The registration made for a WebSocket before its upgrade is answered.
actor SocketSlot {
    private var opened: (id: Int, stream: AsyncStream<OutboundFrame>)?

    func set(id: Int, stream: AsyncStream<OutboundFrame>) { opened = (id, stream) }

    func take() -> (id: Int, stream: AsyncStream<OutboundFrame>)? {
        defer { opened = nil }
        return opened
    }
}

/// The request context of `/ws`: carries the socket registered in `shouldUpgrade` to the session,
/// so the socket is in the sid table before the client sees `101 Switching Protocols` (as on
/// ComfyUI, where a prompt posted right after connecting always reaches the socket).
struct SocketRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    let webSocket: WebSocketHandlerReference<Self>
    let slot: SocketSlot

    init(source: Source) {
        coreContext = .init(source: source)
        webSocket = .init()
        slot = SocketSlot()
    }
}

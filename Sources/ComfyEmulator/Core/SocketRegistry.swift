import ComfyWorkflow
import NIOCore

/// A frame on its way to one WebSocket.
enum OutboundFrame: Sendable {
    case text(String, at: ContinuousClock.Instant)
    case binary([UInt8], at: ContinuousClock.Instant)
    /// Close the socket (fault injection, restart, stop).
    case close
}

/// Who a message is for, following ComfyUI's `send_sync(event, data, sid)`.
enum Audience: Sendable {
    /// Every registered socket (`sid=None`).
    case everyone
    /// The socket registered under this client id, if any.
    case client(String)
    /// Nobody (a prompt without `client_id` for messages that are not broadcast).
    case nobody
}

/// One open WebSocket as the registry sees it.
struct SocketEntry {
    let id: Int
    let sid: String
    let continuation: AsyncStream<OutboundFrame>.Continuation
    var supportsPreviewMetadata = false
    var negotiationOpen = true
    var sent = 0
}

/// ComfyUI's `sockets` table: client id to the newest socket that registered under it.
struct SocketRegistry {
    private(set) var entries: [Int: SocketEntry] = [:]
    private var bySid: [String: Int] = [:]
    private var sidOrder: [String] = []
    private var nextID = 1

    /// Registers a new socket under `sid`; an older socket with the same sid stays open but gets nothing.
    mutating func register(sid: String, continuation: AsyncStream<OutboundFrame>.Continuation) -> Int {
        let id = nextID
        nextID += 1
        entries[id] = SocketEntry(id: id, sid: sid, continuation: continuation)
        if bySid[sid] == nil { sidOrder.append(sid) }
        bySid[sid] = id
        return id
    }

    /// Removes socket `id`; its sid is freed only if no newer socket took it over.
    mutating func unregister(_ id: Int) {
        guard let entry = entries.removeValue(forKey: id) else { return }
        if bySid[entry.sid] == id {
            bySid[entry.sid] = nil
            sidOrder.removeAll { $0 == entry.sid }
        }
    }

    /// The socket ids a message for `audience` reaches, in registration order.
    func targets(_ audience: Audience) -> [Int] {
        switch audience {
        case .everyone: return sidOrder.compactMap { bySid[$0] }
        case .client(let sid): return bySid[sid].map { [$0] } ?? []
        case .nobody: return []
        }
    }

    /// True when the socket registered under `sid` negotiated preview metadata.
    func supportsMetadata(_ sid: String) -> Bool {
        bySid[sid].flatMap { entries[$0]?.supportsPreviewMetadata } ?? false
    }

    subscript(id: Int) -> SocketEntry? {
        get { entries[id] }
        set { entries[id] = newValue }
    }

    /// Closes every socket and forgets them all.
    mutating func closeAll() {
        for entry in entries.values {
            entry.continuation.yield(.close)
            entry.continuation.finish()
        }
        entries = [:]
        bySid = [:]
        sidOrder = []
    }
}

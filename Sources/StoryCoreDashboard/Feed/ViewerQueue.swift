/// One outgoing text message of the event feed, serialized once and shared by every viewer.
public struct FeedMessage: Sendable, Hashable {
    /// The JSON text.
    public var text: String
    /// True for sampler previews: the first dropped when a viewer falls behind.
    public var isPreview: Bool

    /// Creates a message.
    public init(text: String, isPreview: Bool = false) {
        self.text = text
        self.isPreview = isPreview
    }
}

/// The bounded queue of one viewer of the event feed.
///
/// A viewer that reads slower than the render produces never slows the render and never holds more
/// than `capacity` messages: when the queue is full, queued previews are dropped first (and a new
/// preview is dropped rather than queued); when no preview is left to drop, everything queued is
/// replaced by one `resync` entry, answered with a fresh snapshot when the viewer next reads. A new
/// viewer starts with a `resync` entry, so its first message is the snapshot.
public struct ViewerQueue: Sendable {
    /// An entry of the queue.
    public enum Entry: Sendable, Hashable {
        /// A message to send as it is.
        case message(FeedMessage)
        /// Send a fresh snapshot; everything queued before it is covered by it.
        case resync
    }

    /// The most entries held.
    public let capacity: Int
    /// The entries, oldest first.
    public private(set) var entries: [Entry] = [.resync]
    /// Previews dropped because the viewer fell behind.
    public private(set) var droppedPreviews = 0
    /// Times the queue was replaced by a resync because the viewer fell behind.
    public private(set) var resyncs = 0

    /// An empty queue of at most `capacity` entries (at least 2), holding the first snapshot's `resync`.
    public init(capacity: Int) {
        self.capacity = max(2, capacity)
    }

    /// Queues a message, dropping previews and then falling back to a resync when full.
    public mutating func push(_ message: FeedMessage) {
        // A queued resync is answered with the state of that moment, which covers this message too.
        guard entries.first != .resync else { return }
        if entries.count >= capacity {
            let before = entries.count
            entries.removeAll { if case .message(let m) = $0 { return m.isPreview } else { return false } }
            droppedPreviews += before - entries.count
        }
        if entries.count >= capacity {
            if message.isPreview {
                droppedPreviews += 1
                return
            }
            entries = [.resync]
            resyncs += 1
            return
        }
        entries.append(.message(message))
    }

    /// Takes the oldest entry; after a `resync` the queue is empty (the snapshot covers what followed).
    public mutating func pop() -> Entry? {
        guard !entries.isEmpty else { return nil }
        let first = entries.removeFirst()
        if first == .resync { entries.removeAll() }
        return first
    }

    /// True when nothing is queued.
    public var isEmpty: Bool { entries.isEmpty }
}

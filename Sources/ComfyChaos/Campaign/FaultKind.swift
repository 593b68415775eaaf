/// The faults a chaos run injects.
public enum FaultKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    /// The render process killed with SIGKILL at a random moment (then started again).
    case clientKill = "client_kill"
    /// An emulator restarted, forgetting its queue, running prompt, history and caches.
    case serverRestart = "server_restart"
    /// A burst of HTTP 500 replies: every request to one emulator fails for a while.
    case http500Burst = "http_500_burst"
    /// An emulator that closes every WebSocket after a random number of messages.
    case socketDrops = "socket_drops"
    /// An emulator that holds back a share of its HTTP replies.
    case slowReplies = "slow_replies"
    /// An emulator whose memory cannot hold a batch of two: the batch runs out of memory.
    case outOfMemory = "out_of_memory"

    /// The kind's name as the report prints it.
    public var description: String { rawValue }

    /// Orders kinds by declaration (the report's order).
    public static func < (lhs: FaultKind, rhs: FaultKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

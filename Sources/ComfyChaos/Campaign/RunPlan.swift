import ComfyEmulator
import ComfyWorkflow

/// The faults of one chaos run, drawn from its seed before the run starts.
public struct RunPlan: Sendable, Hashable {
    /// Something the driver does when the render has printed `atLine` event lines in total.
    public struct Event: Sendable, Hashable {
        /// What happens.
        public enum Action: Sendable, Hashable {
            /// SIGKILL the render process.
            case killClient
            /// Restart emulator `server` without history.
            case restart(server: Int)
            /// Answer every request of emulator `server` with HTTP 500 for `milliseconds`.
            case http500Burst(server: Int, milliseconds: Int)
        }

        /// The total number of render event lines (over every launch) after which it happens.
        public var atLine: Int
        /// What happens.
        public var action: Action
    }

    /// The run's seed.
    public let seed: UInt64
    /// Per emulator: close every socket after this many messages (nil: never).
    public let socketDropAfter: [Int?]
    /// Per emulator: share of HTTP replies held back (0: none) and for how long.
    public let slowReplies: [(rate: Double, milliseconds: Int)]
    /// Emulators whose memory is too small for a batch of two (empty: no out-of-memory in this run).
    public let tightMemory: Set<Int>
    /// Images per panel: 2 when some emulator has tight memory, else 1.
    public let batchSize: Int
    /// Kills, restarts and bursts, in line order.
    public let events: [Event]

    /// Draws the plan of the run with `seed` for `servers` emulators.
    public init(seed: UInt64, servers: Int = 2) {
        var random = ChaosRandom(seed: seed)
        self.seed = seed
        socketDropAfter = (0..<servers).map { _ in random.chance(0.5) ? random.int(in: 12...160) : nil }
        slowReplies = (0..<servers).map { _ in random.chance(0.4) ? (Double(random.int(in: 5...30)) / 100, random.int(in: 20...250)) : (0, 0) }
        var tight = Set<Int>()
        if random.chance(0.35) {
            tight.insert(random.int(in: 0...(servers - 1)))
            if random.chance(0.3) { tight = Set(0..<servers) }
        }
        tightMemory = tight
        batchSize = tight.isEmpty ? 1 : 2
        var events: [Event] = []
        for _ in 0..<random.int(in: 1...3) { events.append(Event(atLine: random.int(in: 1...200), action: .killClient)) }
        for _ in 0..<random.int(in: 0...2) {
            events.append(Event(atLine: random.int(in: 1...220), action: .restart(server: random.int(in: 0...(servers - 1)))))
        }
        for _ in 0..<random.int(in: 0...3) {
            events.append(Event(atLine: random.int(in: 1...220),
                                action: .http500Burst(server: random.int(in: 0...(servers - 1)), milliseconds: random.int(in: 50...600))))
        }
        self.events = events.sorted { $0.atLine < $1.atLine }
    }

    /// The emulator fault plan of server `index` outside bursts.
    public func faultPlan(server index: Int) -> FaultPlan {
        FaultPlan(closeSocketsAfterMessages: socketDropAfter[index], http500Rate: 0, slowReplyRate: slowReplies[index].rate,
                  slowReplyDelay: .milliseconds(slowReplies[index].milliseconds), seed: seed &+ UInt64(index))
    }

    /// The emulator fault plan of server `index` during a burst of 500s.
    public func burstPlan(server index: Int) -> FaultPlan {
        var plan = faultPlan(server: index)
        plan.http500Rate = 1
        return plan
    }

    /// Plans are equal when their seeds are: the seed determines everything else.
    public static func == (lhs: RunPlan, rhs: RunPlan) -> Bool { lhs.seed == rhs.seed }

    /// Hashes the seed, which determines the whole plan.
    public func hash(into hasher: inout Hasher) { hasher.combine(seed) }
}

/// Faults the emulator injects so tests can exercise a client's failure handling.
///
/// Random faults draw from a generator seeded with `seed`, so a test that sends the same requests
/// sees the same faults. Change it at run time with `ComfyEmulator.setFaults(_:)`.
public struct FaultPlan: Sendable, Hashable {
    /// Close every WebSocket after it has been sent this many frames (counting the first `status`);
    /// nil never closes (default nil). Reconnected sockets start counting again.
    public var closeSocketsAfterMessages: Int?
    /// Fraction (0...1) of HTTP requests answered with ComfyUI's plain-text 500 reply instead of being
    /// handled (default 0). A request answered this way has no effect.
    public var http500Rate: Double
    /// Fraction (0...1) of HTTP requests whose reply is held back by `slowReplyDelay` (default 0).
    public var slowReplyRate: Double
    /// How long a slow reply is held back (default 2 s).
    public var slowReplyDelay: Duration
    /// Seed of the deterministic generator that decides which requests fail or are slow (default 0).
    public var seed: UInt64
    /// Fraction (0...1) of outgoing WebSocket frames and JSON HTTP bodies replaced by a seeded
    /// `MessageMutator` damage (truncated, invalid UTF-8, wrong types, huge numbers, deep nesting,
    /// unknown types, binary frames with wrong lengths): the hostile server mode (default 0).
    public var hostileRate: Double
    /// `/view` answers 200 with no length and streams bytes until the client gives up (default false).
    public var endlessDownloads: Bool
    /// The next this-many `GET /view` requests answer ComfyUI's 500, then downloads work again (default 0):
    /// a server that rendered a prompt but cannot serve its images for a while.
    public var viewFailures: Int
    /// `/view` answers 200 with an HTML error page (as a misconfigured proxy does) instead of the
    /// file's bytes, under the file's own content type (default false).
    public var wrongFileBytes: Bool = false

    /// Creates a plan; the defaults inject nothing.
    public init(closeSocketsAfterMessages: Int? = nil, http500Rate: Double = 0, slowReplyRate: Double = 0,
                slowReplyDelay: Duration = .seconds(2), seed: UInt64 = 0, hostileRate: Double = 0,
                endlessDownloads: Bool = false, viewFailures: Int = 0) {
        self.closeSocketsAfterMessages = closeSocketsAfterMessages
        self.http500Rate = http500Rate
        self.slowReplyRate = slowReplyRate
        self.slowReplyDelay = slowReplyDelay
        self.seed = seed
        self.hostileRate = hostileRate
        self.endlessDownloads = endlessDownloads
        self.viewFailures = max(0, viewFailures)
    }

    /// No faults.
    public static let none = FaultPlan()
}

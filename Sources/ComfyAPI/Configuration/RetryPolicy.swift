/// How often and how patiently a failed operation is tried again: exponential back-off with jitter and a cap.
///
/// The client retries only operations that are safe to repeat (GET requests, and a submit whose reply was
/// lost, after asking the server whether the prompt arrived). The same shape paces WebSocket reconnects.
public struct RetryPolicy: Sendable, Hashable {
    /// Total tries including the first one (default 4); 1 means never retry.
    public var maxAttempts: Int
    /// The pause before the second try (default 200 ms).
    public var initialDelay: Duration
    /// The factor each further pause grows by (default 2).
    public var multiplier: Double
    /// The longest pause between tries (default 10 s).
    public var maxDelay: Duration
    /// The fraction of each pause that is randomised, 0...1 (default 0.2), so many clients do not retry in step.
    public var jitter: Double

    /// Creates a policy; out-of-range values are clamped (at least one attempt, jitter within 0...1).
    public init(
        maxAttempts: Int = 4,
        initialDelay: Duration = .milliseconds(200),
        multiplier: Double = 2,
        maxDelay: Duration = .seconds(10),
        jitter: Double = 0.2
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialDelay = max(.zero, initialDelay)
        self.multiplier = max(1, multiplier)
        self.maxDelay = max(.zero, maxDelay)
        self.jitter = min(1, max(0, jitter))
    }

    /// A policy that never retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The pause before try number `attempt + 1`, where `attempt` counts the tries already made (1 or more).
    public func delay(afterAttempt attempt: Int) -> Duration {
        let base = initialDelay.seconds * pow(multiplier, Double(max(0, attempt - 1)))
        let capped = min(base, maxDelay.seconds)
        let spread = capped * jitter
        let value = spread > 0 ? capped - spread + Double.random(in: 0...(2 * spread)) : capped
        return .milliseconds(Int64(max(0, min(value, maxDelay.seconds)) * 1000))
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

/// One row of the results: a figure measured for both clients, and ComfyBridge's target.
struct Figure: Sendable {
    /// How a figure is judged against its target.
    enum Target: Sendable {
        /// No target: shown for context.
        case none
        /// ComfyBridge's median must be at most this value.
        case atMost(Double)
        /// ComfyBridge's median must be at least this value.
        case atLeast(Double)
        /// ComfyBridge's median must be at least this multiple of the baseline's median.
        case timesBaseline(Double)
    }

    /// The scenario (`feed`, `pool`, `throughput`, `memory`).
    var scenario: String
    /// What is measured, with its unit.
    var name: String
    /// ComfyBridge's values.
    var comfyBridge: Spread
    /// The baseline's values, or nil when it was not measured (the note says why).
    var baseline: Spread?
    /// The target for ComfyBridge.
    var target: Target
    /// Decimals shown.
    var digits: Int
    /// Anything a reader must know about this row.
    var note: String?

    /// The target as text.
    var targetText: String {
        switch target {
        case .none: "—"
        case .atMost(let value): "≤ \(Spread.format(value, digits))"
        case .atLeast(let value): "≥ \(Spread.format(value, digits))"
        case .timesBaseline(let factor): "≥ \(Spread.format(factor, 0))× baseline"
        }
    }

    /// True when met, false when missed, nil when there is no target or it cannot be judged.
    var passed: Bool? {
        let value = comfyBridge.median
        switch target {
        case .none: return nil
        case .atMost(let limit): return value <= limit
        case .atLeast(let limit): return value >= limit
        case .timesBaseline(let factor):
            guard let baseline, baseline.median.isFinite else { return false }
            return value >= factor * baseline.median
        }
    }
}

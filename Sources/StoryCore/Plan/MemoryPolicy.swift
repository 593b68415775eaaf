/// The low-VRAM rules of the contract, decided per server from its `/system_stats`.
///
/// When a server reports less device memory than `thresholdBytes` (12 GiB by default), every job
/// sent to it runs with batch size 1 (a larger batch is sent as several one-image prompts, image
/// k with seed + k, so every requested image is still produced), sampler `euler` and at most 20
/// steps. The rules are written into the manifest notes. `.off` (`--no-memory-policy`) disables them.
public enum MemoryPolicy: Sendable, Hashable {
    /// Apply the low-VRAM rules to servers with less device memory than `thresholdBytes`.
    case automatic(thresholdBytes: UInt64)
    /// Never apply them.
    case off

    /// The contract's default: low-VRAM rules below 12 GiB.
    public static let standard = MemoryPolicy.automatic(thresholdBytes: 12 << 30)

    /// The rules for a server with `vramTotal` bytes of device memory, or nil when none apply.
    public func rules(vramTotal: UInt64?) -> LowVRAMRules? {
        switch self {
        case .off:
            return nil
        case .automatic(let threshold):
            guard let vramTotal, vramTotal < threshold else { return nil }
            return LowVRAMRules(vramTotal: vramTotal)
        }
    }
}

/// The concrete low-VRAM limits applied to a job on one server.
public struct LowVRAMRules: Sendable, Hashable {
    /// The server's device memory in bytes.
    public let vramTotal: UInt64
    /// Images per prompt.
    public let batchSize = 1
    /// The sampler name forced on samplers.
    public let samplerName = "euler"
    /// The most sampler steps allowed.
    public let maxSteps = 20

    /// The manifest note describing the rules.
    public var note: PanelNote { .lowVRAMPolicy(vramTotal: vramTotal) }
}

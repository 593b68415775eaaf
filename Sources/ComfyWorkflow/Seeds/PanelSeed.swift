/// Stable per-panel seeds: `global_seed + (FNV-1a-64(UTF-8 panel_id) mod 1_000_000)`.
///
/// The same project gives the same seeds on every run, process and machine (unlike a salted
/// language hash). Arithmetic is exact and never wraps: a sum beyond 2^64−1 saturates at
/// 2^64−1, and a negative global seed whose sum stays negative gives 0. Fitting the result into a
/// particular seed input's range is a separate, explicit step (`clamp(_:into:)`), which the
/// injector applies per node from the `NodeCatalog`.
public enum PanelSeed {
    /// The modulus of the per-panel offset.
    public static let offsetModulus: UInt64 = 1_000_000

    /// FNV-1a 64-bit hash of the UTF-8 bytes of `text` (offset basis 0xcbf29ce484222325, prime 0x100000001b3).
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// The panel's offset from the global seed, in `0..<1_000_000`.
    public static func offset(panelID: String) -> UInt64 { fnv1a64(panelID) % offsetModulus }

    /// The seed of panel `panelID` for an unsigned global seed; saturates at 2^64−1 instead of wrapping.
    public static func derive(globalSeed: UInt64, panelID: String) -> UInt64 {
        let (sum, overflow) = globalSeed.addingReportingOverflow(offset(panelID: panelID))
        return overflow ? UInt64.max : sum
    }

    /// The seed of panel `panelID` for a signed global seed (as `project.json` stores it); a result
    /// below zero becomes 0.
    public static func derive(globalSeed: Int, panelID: String) -> UInt64 {
        if globalSeed >= 0 { return derive(globalSeed: UInt64(globalSeed), panelID: panelID) }
        let offset = offset(panelID: panelID)
        let deficit = globalSeed.magnitude
        return offset > UInt64(deficit) ? offset - UInt64(deficit) : 0
    }

    /// `seed` moved into `range` (closest bound when outside it); used for seed inputs narrower than
    /// 64 bits, such as API nodes that take at most 2147483647.
    public static func clamp(_ seed: UInt64, into range: ClosedRange<UInt64>) -> UInt64 {
        min(max(seed, range.lowerBound), range.upperBound)
    }
}

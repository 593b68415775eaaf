import ComfyWorkflow

/// The campaign's deterministic random generator (the package's `SplitMix64`): the same seed draws the
/// same faults, so a failing run is reproduced by its seed alone.
public typealias ChaosRandom = SplitMix64

extension SplitMix64 {
    /// The seed of run `index` of a campaign started with `seed`: runs are independent of each other,
    /// so `--runs 1 --seed <run seed>` replays exactly one run of a larger campaign.
    public static func runSeed(campaign seed: UInt64, run index: Int) -> UInt64 {
        var generator = SplitMix64(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0xD1B5_4A32_D192_ED03))
        return generator.next()
    }
}

/// What the quality gate says of one image; the raw value is the manifest's `quality.verdict`.
public enum QualityVerdict: String, Codable, Sendable, CaseIterable {
    /// Nothing wrong was found.
    case ok
    /// Almost no variation: a black frame (a VAE that overflowed in half precision, a safety
    /// filter), a flat colour.
    case blank
    /// Mostly near-black.
    case dark
    /// Mostly near-white.
    case washedOut = "washed_out"
    /// Sharpness under the minimum (StoryCore QA's lowest band): smeared or out of focus.
    case soft
}

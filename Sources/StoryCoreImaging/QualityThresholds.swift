/// The limits the quality gate applies to `ImageMeasures`, checked in this order: blank, dark,
/// washed out, soft; an image that passes all four is `ok`.
public struct QualityThresholds: Sendable, Hashable, Codable {
    /// Luma standard deviation under which an image is `blank` (default 2: a black frame or a flat
    /// fill, whatever its level; JPEG-like noise or dithering of a flat fill stays under it).
    public var blankStddev: Double
    /// Mean luma under which an image is `dark` (default 20).
    public var darkMean: Double
    /// Share of near-black pixels (luma < 16) from which an image is `dark` (default 0.85).
    public var darkShare: Double
    /// Mean luma over which an image is `washed_out` (default 235).
    public var washedOutMean: Double
    /// Share of near-white pixels (luma > 239) from which an image is `washed_out` (default 0.85).
    public var brightShare: Double
    /// Sharpness (variance of the Laplacian) under which an image is `soft` (default 50: StoryCore
    /// QA scores an image under 50 with its lowest mark, 1 of 5).
    public var minSharpness: Double

    /// Thresholds with the documented defaults, any of them replaced.
    public init(blankStddev: Double = 2, darkMean: Double = 20, darkShare: Double = 0.85,
                washedOutMean: Double = 235, brightShare: Double = 0.85, minSharpness: Double = 50) {
        self.blankStddev = blankStddev
        self.darkMean = darkMean
        self.darkShare = darkShare
        self.washedOutMean = washedOutMean
        self.brightShare = brightShare
        self.minSharpness = minSharpness
    }

    /// Keys in the manifest's snake_case.
    enum CodingKeys: String, CodingKey {
        case blankStddev = "blank_stddev"
        case darkMean = "dark_mean"
        case darkShare = "dark_share"
        case washedOutMean = "washed_out_mean"
        case brightShare = "bright_share"
        case minSharpness = "min_sharpness"
    }

    /// The verdict on figures already measured.
    public func verdict(for measures: ImageMeasures) -> QualityVerdict {
        if measures.stddev < blankStddev { return .blank }
        if measures.mean < darkMean || measures.darkShare >= darkShare { return .dark }
        if measures.mean > washedOutMean || measures.brightShare >= brightShare { return .washedOut }
        if measures.sharpness < minSharpness { return .soft }
        return .ok
    }

    /// Measures `image` and gives the verdict with the figures.
    public func report(for image: RGBImage) -> QualityReport {
        let measures = ImageMeasures.measure(image)
        return QualityReport(verdict: verdict(for: measures), measures: measures)
    }
}

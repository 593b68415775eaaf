/// A verdict with the figures it was drawn from. Encodes flat, as the manifest's `quality` object:
/// `{verdict, mean, stddev, dark_share, bright_share, sharpness, width, height}`.
public struct QualityReport: Sendable, Hashable, Codable {
    /// The verdict.
    public var verdict: QualityVerdict
    /// The figures.
    public var measures: ImageMeasures

    /// A report of the given verdict and figures.
    public init(verdict: QualityVerdict, measures: ImageMeasures) {
        self.verdict = verdict
        self.measures = measures
    }

    enum CodingKeys: String, CodingKey { case verdict }

    /// Reads the flat form written by `encode(to:)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        verdict = try container.decode(QualityVerdict.self, forKey: .verdict)
        measures = try ImageMeasures(from: decoder)
    }

    /// Writes `verdict` beside the measures' keys in one object.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(verdict, forKey: .verdict)
        try measures.encode(to: encoder)
    }
}

/// The figures the quality gate decides on, all computed on the image's luma.
///
/// Luma is ITU-R 601 exactly as Pillow's `convert("L")` computes it, an integer 0–255:
/// `L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16`. Variances are population variances (divided
/// by the count, as numpy's `.var()`), computed from exact integer sums and histograms.
public struct ImageMeasures: Sendable, Codable, Hashable {
    /// Mean luma, 0–255.
    public var mean: Double
    /// Standard deviation of luma (population).
    public var stddev: Double
    /// Share of pixels with luma under 16 (near-black), 0–1.
    public var darkShare: Double
    /// Share of pixels with luma over 239 (near-white), 0–1.
    public var brightShare: Double
    /// StoryCore QA's sharpness: the population variance of the 4-neighbour Laplacian
    /// `4·c − up − down − left − right` over the interior pixels of the luma image (every pixel not on
    /// the border), in integers without wrap-around (StoryCore's pure-Python definition). 0 for an
    /// image narrower or shorter than 3 pixels.
    public var sharpness: Double
    /// Width of the measured image in pixels.
    public var width: Int
    /// Height of the measured image in pixels.
    public var height: Int

    /// Figures given directly (for tests and for reading stored reports).
    public init(mean: Double, stddev: Double, darkShare: Double, brightShare: Double, sharpness: Double, width: Int, height: Int) {
        self.mean = mean
        self.stddev = stddev
        self.darkShare = darkShare
        self.brightShare = brightShare
        self.sharpness = sharpness
        self.width = width
        self.height = height
    }

    /// Keys in the manifest's snake_case.
    enum CodingKeys: String, CodingKey {
        case mean, stddev, sharpness, width, height
        case darkShare = "dark_share"
        case brightShare = "bright_share"
    }

    /// Luma below this is near-black (16, the bottom of the video range).
    public static let darkLuma = 16
    /// Luma above this is near-white (239).
    public static let brightLuma = 239

    /// Measures `image`: one pass for luma and its histogram, one for the Laplacian's sums.
    public static func measure(_ image: RGBImage) -> ImageMeasures {
        let width = image.width
        let height = image.height
        let count = width * height
        var luma = [UInt8](repeating: 0, count: count)
        var histogram = [Int](repeating: 0, count: 256)
        image.pixels.withUnsafeBufferPointer { rgb in
            luma.withUnsafeMutableBufferPointer { out in
                histogram.withUnsafeMutableBufferPointer { bins in
                    var source = 0
                    for index in 0..<count {
                        let red = UInt32(rgb[source]), green = UInt32(rgb[source + 1]), blue = UInt32(rgb[source + 2])
                        let value = (red &* 19595 &+ green &* 38470 &+ blue &* 7471 &+ 0x8000) >> 16
                        out[index] = UInt8(truncatingIfNeeded: value)
                        bins[Int(value)] &+= 1
                        source &+= 3
                    }
                }
            }
        }
        let (mean, variance) = statistics(histogram: histogram, offset: 0, count: count)
        var dark = 0
        for value in 0..<darkLuma { dark += histogram[value] }
        var bright = 0
        for value in (brightLuma + 1)...255 { bright += histogram[value] }
        return ImageMeasures(mean: mean, stddev: variance.squareRoot(),
                             darkShare: Double(dark) / Double(count), brightShare: Double(bright) / Double(count),
                             sharpness: laplacianVariance(luma: luma, width: width, height: height),
                             width: width, height: height)
    }

    /// The population variance of `4·c − u − d − l − r` over the interior of a luma image: exact
    /// integer sums of the values and their squares, combined in Double at the end (the Laplacian's
    /// mean is near zero, so `Σx²/n − mean²` loses nothing to cancellation).
    static func laplacianVariance(luma: [UInt8], width: Int, height: Int) -> Double {
        guard width >= 3, height >= 3 else { return 0 }
        var sum = 0
        var squares = 0
        luma.withUnsafeBufferPointer { pixels in
            for y in 1..<(height - 1) {
                let row = y * width
                var rowSum = 0
                var rowSquares = 0
                for center in (row + 1)..<(row + width - 1) {
                    let value = 4 &* Int(pixels[center]) &- Int(pixels[center &- width]) &- Int(pixels[center &+ width])
                        &- Int(pixels[center &- 1]) &- Int(pixels[center &+ 1])
                    rowSum &+= value
                    rowSquares &+= value &* value
                }
                sum += rowSum
                squares += rowSquares
            }
        }
        let count = Double((width - 2) * (height - 2))
        let mean = Double(sum) / count
        return max(0, Double(squares) / count - mean * mean)
    }

    /// Mean and population variance of the values `index + offset` counted by `histogram`.
    static func statistics(histogram: [Int], offset: Int, count: Int) -> (mean: Double, variance: Double) {
        guard count > 0 else { return (0, 0) }
        var sum = 0
        for (index, tally) in histogram.enumerated() where tally > 0 { sum += tally * (index + offset) }
        let mean = Double(sum) / Double(count)
        var squares = 0.0
        for (index, tally) in histogram.enumerated() where tally > 0 {
            let deviation = Double(index + offset) - mean
            squares += Double(tally) * deviation * deviation
        }
        return (mean, squares / Double(count))
    }
}

/// Resizing by area averaging: each destination pixel is the mean of the source area it covers, with
/// source pixels on its edges weighted by the fraction of them it covers (a box filter with
/// fractional coverage, in both directions). The mean colour of the image is kept (up to the final
/// rounding to 8 bits); nothing is skipped, as nearest-neighbour scaling would.
enum AreaScaler {
    /// The source pixels one destination pixel covers along an axis: the first index and the weights.
    struct Span {
        var first: Int
        var weights: [Double]
    }

    /// Spans of `destination` pixels over `source` pixels along one axis; the weights of each sum to 1.
    static func spans(source: Int, destination: Int) -> [Span] {
        let step = Double(source) / Double(destination)
        return (0..<destination).map { index in
            let start = Double(index) * step
            let end = index == destination - 1 ? Double(source) : Double(index + 1) * step
            let first = min(source - 1, Int(start.rounded(.down)))
            let last = max(first, min(source - 1, Int(end.rounded(.up)) - 1))
            var weights: [Double] = []
            weights.reserveCapacity(last - first + 1)
            for pixel in first...last {
                let covered = min(Double(pixel + 1), end) - max(Double(pixel), start)
                weights.append(max(0, covered) / (end - start))
            }
            return Span(first: first, weights: weights)
        }
    }

    /// `image` resized to `width × height` (both at least 1).
    static func scale(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        if width == image.width, height == image.height { return image }
        let columns = spans(source: image.width, destination: width)
        let rows = spans(source: image.height, destination: height)
        // Horizontal pass: every source row reduced to `width` pixels.
        var across = [Double](repeating: 0, count: image.height * width * 3)
        image.pixels.withUnsafeBufferPointer { source in
            across.withUnsafeMutableBufferPointer { target in
                for y in 0..<image.height {
                    let sourceRow = y * image.width * 3
                    let targetRow = y * width * 3
                    for (x, span) in columns.enumerated() {
                        var red = 0.0, green = 0.0, blue = 0.0
                        var index = sourceRow + span.first * 3
                        for weight in span.weights {
                            red += weight * Double(source[index])
                            green += weight * Double(source[index + 1])
                            blue += weight * Double(source[index + 2])
                            index += 3
                        }
                        target[targetRow + x * 3] = red
                        target[targetRow + x * 3 + 1] = green
                        target[targetRow + x * 3 + 2] = blue
                    }
                }
            }
        }
        // Vertical pass, rounded to 8 bits.
        var pixels = [UInt8](repeating: 0, count: width * height * 3)
        across.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer { target in
                let stride = width * 3
                for (y, span) in rows.enumerated() {
                    for x in 0..<stride {
                        var sum = 0.0
                        var index = span.first * stride + x
                        for weight in span.weights {
                            sum += weight * source[index]
                            index += stride
                        }
                        target[y * stride + x] = UInt8(max(0, min(255, (sum + 0.5).rounded(.down))))
                    }
                }
            }
        }
        return RGBImage(unchecked: width, height, pixels)
    }
}

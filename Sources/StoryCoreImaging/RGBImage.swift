/// An image as 8-bit RGB samples, row-major, three bytes per pixel, no padding: what every codec and
/// measure of this module works on.
///
/// The pixel count always matches the dimensions: the initialiser refuses any other buffer.
public struct RGBImage: Sendable, Hashable {
    /// Width in pixels (at least 1).
    public private(set) var width: Int
    /// Height in pixels (at least 1).
    public private(set) var height: Int
    /// `width × height × 3` bytes: R, G, B of the top-left pixel first, then left to right, top to bottom.
    public private(set) var pixels: [UInt8]

    /// An image of the given size and samples; throws `ImageError.invalidImage` when either side is
    /// under 1 or `pixels` is not exactly `width × height × 3` bytes.
    public init(width: Int, height: Int, pixels: [UInt8]) throws(ImageError) {
        guard width >= 1, height >= 1 else {
            throw .invalidImage(reason: "size \(width)×\(height): both sides must be at least 1")
        }
        let (area, overflowArea) = width.multipliedReportingOverflow(by: height)
        let (count, overflowCount) = area.multipliedReportingOverflow(by: 3)
        guard !overflowArea, !overflowCount, pixels.count == count else {
            throw .invalidImage(reason: "\(pixels.count) bytes for \(width)×\(height) RGB (needs width × height × 3)")
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// An image of the given size filled with one colour; throws `ImageError.invalidImage` when
    /// either side is under 1 or the image would not fit in memory.
    public init(width: Int, height: Int, red: UInt8, green: UInt8, blue: UInt8) throws(ImageError) {
        guard width >= 1, height >= 1, width <= Int(Int32.max), height <= Int(Int32.max) else {
            throw .invalidImage(reason: "size \(width)×\(height): both sides must be between 1 and 2³¹−1")
        }
        let (area, overflow) = width.multipliedReportingOverflow(by: height)
        guard !overflow, area <= Int.max / 3 else { throw .invalidImage(reason: "size \(width)×\(height) is too large") }
        var pixels = [UInt8](repeating: 0, count: area * 3)
        if red != 0 || green != 0 || blue != 0 {
            for index in 0..<area {
                pixels[3 * index] = red
                pixels[3 * index + 1] = green
                pixels[3 * index + 2] = blue
            }
        }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// Internal: an image whose buffer the caller guarantees to be `width × height × 3` bytes.
    init(unchecked width: Int, _ height: Int, _ pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The pixel at column `x`, row `y` (both zero-based); nil outside the image.
    public func pixel(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8)? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let index = 3 * (y * width + x)
        return (pixels[index], pixels[index + 1], pixels[index + 2])
    }
}

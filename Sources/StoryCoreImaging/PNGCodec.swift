import CLibPNG
import Foundation

/// PNG reading and writing through libpng (Debian's `libpng-dev`).
///
/// Decoding accepts every PNG colour type and bit depth (grey 1–16 bits, grey+alpha, palette with
/// or without `tRNS`, RGB and RGBA of 8 and 16 bits) and Adam7 interlacing, and always yields 8-bit
/// RGB. The pixels are the stored samples (gamma, chromaticity and ICC chunks are ignored, as Pillow
/// does), with exactly these rules:
/// - alpha (an alpha channel or `tRNS`) is composited onto black: an 8-bit sample `c` with alpha `a`
///   becomes `round(c·a/255)`;
/// - a 16-bit sample `c` becomes `round(c·255/65535)`, with alpha `round(c·a·255/65535²)`;
/// - grey `g` becomes `(g, g, g)`; grey of 1, 2 or 4 bits is scaled to 0–255 (`g·255/(2ᵇ−1)`, exact).
/// The denominators are odd, so rounding never meets a tie.
public enum PNGCodec {
    /// Sizes a decode accepts; checked against the header before any pixel memory is allocated.
    public struct Limits: Sendable, Hashable {
        /// Widest image accepted (default 16384).
        public var maxWidth: Int
        /// Tallest image accepted (default 16384).
        public var maxHeight: Int
        /// Most pixels accepted (default 67,108,864: 64 megapixels, 192 MiB of RGB).
        public var maxPixels: Int

        /// Limits with the given bounds (defaults as documented on each property).
        public init(maxWidth: Int = 16384, maxHeight: Int = 16384, maxPixels: Int = 64 * 1024 * 1024) {
            self.maxWidth = maxWidth
            self.maxHeight = maxHeight
            self.maxPixels = maxPixels
        }
    }

    /// Decodes PNG bytes to 8-bit RGB by the rules above; `source` names the file in any error.
    ///
    /// Throws `ImageError.notAnImage` without the PNG signature, `.truncated` when the data ends early
    /// (including a missing `IEND`), `.corrupt` with libpng's reason, `.tooLarge` over `limits`.
    public static func decode(_ data: Data, source: String, limits: Limits = Limits()) throws(ImageError) -> RGBImage {
        let maxWidth = UInt32(clamping: limits.maxWidth)
        let maxHeight = UInt32(clamping: limits.maxHeight)
        let maxPixels = UInt64(clamping: limits.maxPixels)
        var decoding = cbpng_decoding()
        var code: Int32 = CBPNG_CORRUPT
        var pixels: [UInt8] = []
        if let (width, height) = headerSize(data), width <= limits.maxWidth, height <= limits.maxHeight,
           case let (area, overflow) = width.multipliedReportingOverflow(by: height), !overflow, area <= limits.maxPixels,
           area <= Int.max / 3 {
            // The usual case: libpng writes the pixels straight into the array.
            let count = width * height * 3
            pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
                code = data.withUnsafeBytes { raw -> Int32 in
                    decoding.data = raw.bindMemory(to: UInt8.self).baseAddress
                    decoding.size = raw.count
                    decoding.rgb = buffer.baseAddress
                    decoding.capacity = count
                    return cbpng_decode(&decoding, maxWidth, maxHeight, maxPixels)
                }
                if code != CBPNG_OK { buffer.initialize(repeating: 0) }
                initialized = count
            }
        } else {
            // No readable header: libpng says why (or refuses the size before allocating anything).
            code = data.withUnsafeBytes { raw -> Int32 in
                decoding.data = raw.bindMemory(to: UInt8.self).baseAddress
                decoding.size = raw.count
                return cbpng_decode(&decoding, maxWidth, maxHeight, maxPixels)
            }
            if code == CBPNG_OK, let rgb = decoding.rgb {
                let count = Int(decoding.width) * Int(decoding.height) * 3
                pixels = [UInt8](UnsafeBufferPointer(start: rgb, count: count))
            }
            cbpng_release(&decoding)
        }
        decoding.data = nil
        decoding.rgb = nil
        let message = withUnsafeBytes(of: decoding.message) { raw in
            String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
        }
        switch code {
        case CBPNG_OK:
            return RGBImage(unchecked: Int(decoding.width), Int(decoding.height), pixels)
        case CBPNG_NOT_PNG:
            throw .notAnImage(source: source, expected: "PNG")
        case CBPNG_TRUNCATED:
            throw .truncated(source: source)
        case CBPNG_TOO_LARGE:
            throw .tooLarge(source: source, width: Int(decoding.width), height: Int(decoding.height), limits: limits)
        case CBPNG_NO_MEMORY:
            throw .outOfMemory(source: source)
        default:
            if message == "out of memory" { throw .outOfMemory(source: source) }
            throw .corrupt(source: source, reason: message.isEmpty ? "libpng refused it" : message)
        }
    }

    /// Width and height from the `IHDR` chunk that must open every PNG, or nil when the data does not
    /// start with the signature and an `IHDR` of positive size.
    static func headerSize(_ data: Data) -> (width: Int, height: Int)? {
        guard data.count >= 24 else { return nil }
        let bytes = [UInt8](data.prefix(24))
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard Array(bytes[0..<8]) == signature, Array(bytes[12..<16]) == Array("IHDR".utf8) else { return nil }
        func word(_ offset: Int) -> Int {
            Int(bytes[offset]) << 24 | Int(bytes[offset + 1]) << 16 | Int(bytes[offset + 2]) << 8 | Int(bytes[offset + 3])
        }
        let width = word(16), height = word(20)
        guard width > 0, height > 0 else { return nil }
        return (width, height)
    }

    /// Reads and decodes the PNG file at `url`; errors name the file's path.
    public static func decode(contentsOf url: URL, limits: Limits = Limits()) throws(ImageError) -> RGBImage {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw .unreadable(source: url.path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, source: url.path, limits: limits)
    }

    /// Encodes an image as an 8-bit RGB PNG (non-interlaced, libpng's default compression); decoding
    /// the result gives back exactly the same pixels.
    public static func encode(_ image: RGBImage) throws(ImageError) -> Data {
        guard image.width <= Int(UInt32.max), image.height <= Int(UInt32.max),
              image.pixels.count == image.width * image.height * 3 else {
            throw .invalidImage(reason: "\(image.width)×\(image.height) cannot be written as a PNG")
        }
        var bytes: UnsafeMutablePointer<UInt8>?
        var size = 0
        var message = [CChar](repeating: 0, count: 256)
        let code = image.pixels.withUnsafeBufferPointer { pixels in
            message.withUnsafeMutableBufferPointer { text in
                cbpng_encode_rgb(pixels.baseAddress, UInt32(image.width), UInt32(image.height), &bytes, &size, text.baseAddress)
            }
        }
        guard code == CBPNG_OK, let bytes else {
            let reason = String(decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw .invalidImage(reason: "libpng could not write it (\(reason.isEmpty ? "out of memory" : reason))")
        }
        defer { cbpng_free_bytes(bytes) }
        return Data(bytes: bytes, count: size)
    }
}

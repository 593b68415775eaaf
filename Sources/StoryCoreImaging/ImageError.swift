/// Why an image could not be read, measured or written. Every case that concerns a file names it
/// (`source`: the path or label the caller gave), and `description` is one line for people.
public enum ImageError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The bytes do not start with the PNG signature (or the PPM magic `P6` for PPM).
    case notAnImage(source: String, expected: String)
    /// The file ends before the image does (an interrupted download, a partial write).
    case truncated(source: String)
    /// The decoder refused the data; `reason` is its explanation (a bad CRC, a bad header, bad
    /// compressed data…).
    case corrupt(source: String, reason: String)
    /// The header announces an image over the decoder's limits; refused before any pixel memory is
    /// allocated, so a decompression bomb costs nothing.
    case tooLarge(source: String, width: Int, height: Int, limits: PNGCodec.Limits)
    /// The file could not be read at all.
    case unreadable(source: String, reason: String)
    /// Memory for the pixels could not be allocated.
    case outOfMemory(source: String)
    /// A pixel buffer whose size does not match its dimensions, or an image the encoder refused.
    case invalidImage(reason: String)

    /// One line: the source and what is wrong with it.
    public var description: String {
        switch self {
        case .notAnImage(let source, let expected):
            return "\(source): not a \(expected) file"
        case .truncated(let source):
            return "\(source): the image is truncated (the file ends early)"
        case .corrupt(let source, let reason):
            return "\(source): corrupt image (\(reason))"
        case .tooLarge(let source, let width, let height, let limits):
            return "\(source): image of \(width)×\(height) pixels is over the limit (\(limits.maxWidth)×\(limits.maxHeight), \(limits.maxPixels) pixels)"
        case .unreadable(let source, let reason):
            return "\(source): cannot read (\(reason))"
        case .outOfMemory(let source):
            return "\(source): not enough memory to decode the image"
        case .invalidImage(let reason):
            return "invalid image: \(reason)"
        }
    }
}

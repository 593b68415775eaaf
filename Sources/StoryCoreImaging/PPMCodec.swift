import Foundation

/// Binary PPM (`P6`, maxval 255): the format StoryCore's `promote` step reads.
public enum PPMCodec {
    /// The image as `P6\n<width> <height>\n255\n` followed by its RGB bytes, row-major.
    public static func encode(_ image: RGBImage) -> Data {
        var data = Data("P6\n\(image.width) \(image.height)\n255\n".utf8)
        data.append(contentsOf: image.pixels)
        return data
    }

    /// Reads a binary PPM with maxval 255 (comments in the header allowed); `source` names the file
    /// in any error. Other maxvals, ASCII `P3` and trailing or missing bytes are refused.
    public static func decode(_ data: Data, source: String) throws(ImageError) -> RGBImage {
        let bytes = [UInt8](data)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P"), bytes[1] == UInt8(ascii: "6") else {
            throw .notAnImage(source: source, expected: "binary PPM (P6)")
        }
        var index = 2
        var fields: [Int] = []
        while fields.count < 3 {
            while index < bytes.count, isSpace(bytes[index]) || bytes[index] == UInt8(ascii: "#") {
                if bytes[index] == UInt8(ascii: "#") {
                    while index < bytes.count, bytes[index] != 10, bytes[index] != 13 { index += 1 }
                } else {
                    index += 1
                }
            }
            var value = 0
            var digits = 0
            while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57, digits < 9 {
                value = value * 10 + Int(bytes[index] - 48)
                digits += 1
                index += 1
            }
            guard digits > 0 else {
                throw index >= bytes.count ? .truncated(source: source) : .corrupt(source: source, reason: "bad PPM header")
            }
            fields.append(value)
        }
        guard index < bytes.count, isSpace(bytes[index]) else { throw .corrupt(source: source, reason: "bad PPM header") }
        index += 1
        let (width, height, maxval) = (fields[0], fields[1], fields[2])
        guard maxval == 255 else { throw .corrupt(source: source, reason: "maxval \(maxval) (only 255 is read)") }
        guard width >= 1, height >= 1 else { throw .corrupt(source: source, reason: "size \(width)×\(height)") }
        let count = width * height * 3
        guard bytes.count - index >= count else { throw .truncated(source: source) }
        guard bytes.count - index == count else {
            throw .corrupt(source: source, reason: "\(bytes.count - index - count) bytes after the pixels")
        }
        return RGBImage(unchecked: width, height, Array(bytes[index...]))
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == 11 || byte == 12
    }
}

/// Writes animated PNGs (APNG): the frames of an image batch as one file, with `acTL`, one `fcTL` per
/// frame and `fdAT` chunks after the first frame's `IDAT`, sequence numbers counting every `fcTL` and
/// `fdAT` from 0, each chunk with its CRC. A player without APNG support shows the first frame.
enum APNGWriter {
    /// The APNG of `frames` (all the same size), shown at `fps` frames per second and looping forever.
    ///
    /// The frame delay is `int(1000 / fps)` milliseconds, as ComfyUI's Pillow call writes it.
    static func encode(_ frames: [ImagePattern], fps: Double, text: [(String, String)] = []) -> [UInt8] {
        guard let first = frames.first else { return [] }
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        append32(&ihdr, UInt32(first.width))
        append32(&ihdr, UInt32(first.height))
        ihdr += [8, 2, 0, 0, 0]
        chunk(&out, "IHDR", ihdr)
        for (key, value) in text {
            chunk(&out, "tEXt", Array(key.utf8.prefix(79)) + [0] + value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : 0x3F })
        }
        var actl: [UInt8] = []
        append32(&actl, UInt32(frames.count))
        append32(&actl, 0)
        chunk(&out, "acTL", actl)
        let delay = UInt16(clamping: fps.isFinite && fps > 0 ? Int(1000.0 / fps) : 1000)
        var sequence: UInt32 = 0
        for (index, frame) in frames.enumerated() {
            var fctl: [UInt8] = []
            append32(&fctl, sequence)
            sequence += 1
            append32(&fctl, UInt32(first.width))
            append32(&fctl, UInt32(first.height))
            append32(&fctl, 0)
            append32(&fctl, 0)
            fctl += [UInt8(delay >> 8), UInt8(delay & 0xFF), 0x03, 0xE8, 0, 0]
            chunk(&out, "fcTL", fctl)
            for data in imageData(frame) {
                if index == 0 {
                    chunk(&out, "IDAT", data)
                } else {
                    var fdat: [UInt8] = []
                    append32(&fdat, sequence)
                    sequence += 1
                    chunk(&out, "fdAT", fdat + data)
                }
            }
        }
        chunk(&out, "IEND", [])
        return out
    }

    /// The payloads of the `IDAT` chunks of `frame` encoded as a still PNG.
    static func imageData(_ frame: ImagePattern) -> [[UInt8]] {
        let png = PNGWriter.encode(frame)
        return chunks(png).filter { $0.type == "IDAT" }.map(\.data)
    }

    /// The chunks of a PNG or APNG, in order; stops at the first malformed one.
    static func chunks(_ png: [UInt8]) -> [(type: String, data: [UInt8], crcOK: Bool)] {
        var found: [(type: String, data: [UInt8], crcOK: Bool)] = []
        var i = 8
        while i + 12 <= png.count {
            let length = Int(png[i]) << 24 | Int(png[i + 1]) << 16 | Int(png[i + 2]) << 8 | Int(png[i + 3])
            guard length >= 0, i + 12 + length <= png.count else { break }
            let typeBytes = Array(png[(i + 4)..<(i + 8)])
            let data = Array(png[(i + 8)..<(i + 8 + length)])
            let c = i + 8 + length
            let stored = UInt32(png[c]) << 24 | UInt32(png[c + 1]) << 16 | UInt32(png[c + 2]) << 8 | UInt32(png[c + 3])
            found.append((String(decoding: typeBytes, as: UTF8.self), data, Checksums.crc32(typeBytes + data) == stored))
            i = c + 4
        }
        return found
    }

    private static func append32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        append32(&out, UInt32(data.count))
        let typeBytes = Array(type.utf8)
        out += typeBytes
        out += data
        append32(&out, Checksums.crc32(typeBytes + data))
    }
}

import Foundation

/// Writes RGB PNG files with uncompressed (stored) deflate blocks, streaming row by row so a large
/// image never sits in memory whole.
enum PNGWriter {
    /// Why a PNG could not be written.
    struct WriteError: Error, CustomStringConvertible {
        let path: String
        let reason: String
        var description: String { "cannot write PNG \(path): \(reason)" }
    }

    /// Writes `pattern` to `url` with optional `tEXt` chunks; returns the file size.
    @discardableResult
    static func write(_ pattern: ImagePattern, text: [(String, String)] = [], to url: URL) throws -> Int {
        guard FileManager.default.createFile(atPath: url.path, contents: nil),
              let handle = FileHandle(forWritingAtPath: url.path) else {
            throw WriteError(path: url.path, reason: "cannot create the file")
        }
        defer { try? handle.close() }
        var written = 0
        var failure: Error?
        encode(pattern, text: text) { bytes in
            guard failure == nil else { return }
            do { try handle.write(contentsOf: bytes); written += bytes.count } catch { failure = error }
        }
        if let failure { throw WriteError(path: url.path, reason: "\(failure)") }
        return written
    }

    /// The whole PNG in memory (used for preview frames).
    static func encode(_ pattern: ImagePattern, text: [(String, String)] = []) -> [UInt8] {
        var out: [UInt8] = []
        encode(pattern, text: text) { out.append(contentsOf: $0) }
        return out
    }

    /// Produces the PNG in pieces of at most about 1 MiB, handing each to `sink`.
    static func encode(_ pattern: ImagePattern, text: [(String, String)], sink: ([UInt8]) -> Void) {
        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        append32(&ihdr, UInt32(pattern.width))
        append32(&ihdr, UInt32(pattern.height))
        ihdr += [8, 2, 0, 0, 0]
        chunk(&out, "IHDR", ihdr)
        for (key, value) in text {
            chunk(&out, "tEXt", Array(key.utf8.prefix(79)) + [0] + value.unicodeScalars.map { $0.value < 256 ? UInt8($0.value) : 0x3F })
        }
        let rowBytes = 1 + pattern.width * 3
        let total = rowBytes * pattern.height
        var adlerA: UInt32 = 1, adlerB: UInt32 = 0
        var emitted = 0
        var first = true
        let blockCapacity = 65535
        var block = [UInt8](repeating: 0, count: blockCapacity)
        var blockFill = 0
        var row = [UInt8](repeating: 0, count: rowBytes)

        func flushBlock() {
            let isLast = emitted + blockFill == total
            var data: [UInt8] = []
            data.reserveCapacity(blockFill + 11)
            if first { data += [0x78, 0x01]; first = false }
            data.append(isLast ? 1 : 0)
            data += [UInt8(blockFill & 0xFF), UInt8(blockFill >> 8), UInt8(~blockFill & 0xFF), UInt8((~blockFill >> 8) & 0xFF)]
            block.withUnsafeBytes { raw in
                let slice = UnsafeRawBufferPointer(rebasing: raw[0..<blockFill])
                Checksums.adler32(&adlerA, &adlerB, slice)
                data.append(contentsOf: slice)
            }
            emitted += blockFill
            blockFill = 0
            if isLast { append32(&data, (adlerB << 16) | adlerA) }
            chunk(&out, "IDAT", data)
            if out.count > 1 << 20 { sink(out); out.removeAll(keepingCapacity: true) }
        }

        for y in 0..<pattern.height {
            row.withUnsafeMutableBufferPointer { buf in
                buf[0] = 0
                pattern.fill(row: y, into: buf.baseAddress! + 1)
            }
            var copied = 0
            while copied < rowBytes {
                let n = min(rowBytes - copied, blockCapacity - blockFill)
                block.withUnsafeMutableBufferPointer { dst in
                    row.withUnsafeBufferPointer { src in
                        (dst.baseAddress! + blockFill).update(from: src.baseAddress! + copied, count: n)
                    }
                }
                blockFill += n
                copied += n
                if blockFill == blockCapacity { flushBlock() }
            }
        }
        if blockFill > 0 || emitted < total { flushBlock() }
        chunk(&out, "IEND", [])
        sink(out)
    }

    /// Width and height from a PNG's IHDR, or nil when `bytes` is not a PNG.
    static func dimensions(of bytes: [UInt8]) -> (width: Int, height: Int)? {
        guard bytes.count >= 24, bytes[0..<8].elementsEqual([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
              bytes[12..<16].elementsEqual(Array("IHDR".utf8)) else { return nil }
        func be(_ i: Int) -> Int { Int(bytes[i]) << 24 | Int(bytes[i + 1]) << 16 | Int(bytes[i + 2]) << 8 | Int(bytes[i + 3]) }
        return (be(16), be(20))
    }

    private static func append32(_ out: inout [UInt8], _ v: UInt32) {
        out += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    private static func chunk(_ out: inout [UInt8], _ type: String, _ data: [UInt8]) {
        append32(&out, UInt32(data.count))
        let typeBytes = Array(type.utf8)
        var crc = typeBytes.withUnsafeBytes { Checksums.crc32(0xFFFF_FFFF, $0) }
        crc = data.withUnsafeBytes { Checksums.crc32(crc, $0) }
        out += typeBytes
        out += data
        append32(&out, crc ^ 0xFFFF_FFFF)
    }
}

/// CRC-32 (PNG chunks) and Adler-32 (zlib streams), table-driven and allocation-free.
enum Checksums {
    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// Continues a CRC-32 over `bytes`; start with `0xFFFFFFFF` and invert the result at the end.
    static func crc32(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var c = crc
        crcTable.withUnsafeBufferPointer { table in
            for b in bytes { c = table[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        }
        return c
    }

    /// The CRC-32 of `bytes`.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { crc32(0xFFFF_FFFF, $0) } ^ 0xFFFF_FFFF
    }

    /// Continues an Adler-32 (`a`, `b` start at 1 and 0) over `bytes`.
    static func adler32(_ a: inout UInt32, _ b: inout UInt32, _ bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i < n {
            let end = min(i + 5552, n)
            while i < end {
                a &+= UInt32(bytes[i])
                b &+= a
                i += 1
            }
            a %= 65521
            b %= 65521
        }
    }
}

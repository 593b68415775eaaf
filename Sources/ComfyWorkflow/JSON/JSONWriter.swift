/// How a `JSONValue` is written.
public struct JSONWriteOptions: Sendable, Hashable {
    /// Indentation per level; nil writes everything on one line.
    public var indent: Int?
    /// Escape every non-ASCII character as `\uXXXX`, as Python's `json.dumps` does by default.
    public var asciiOnly: Bool
    /// Put a space after `,` and `:` on one-line output, as Python's `json.dumps` does by default.
    public var spacedSeparators: Bool
    /// Sort object keys (otherwise insertion order is kept).
    public var sortedKeys: Bool

    /// Creates options; the defaults give compact one-line UTF-8 output in insertion order.
    public init(indent: Int? = nil, asciiOnly: Bool = false, spacedSeparators: Bool = false, sortedKeys: Bool = false) {
        self.indent = indent
        self.asciiOnly = asciiOnly
        self.spacedSeparators = spacedSeparators
        self.sortedKeys = sortedKeys
    }

    /// Compact one-line output.
    public static let compact = JSONWriteOptions()
    /// Two-space indented output, for files people read and diff.
    public static let pretty = JSONWriteOptions(indent: 2)
    /// Exactly what Python's `json.dumps(obj)` (and so ComfyUI's aiohttp server) writes.
    public static let python = JSONWriteOptions(asciiOnly: true, spacedSeparators: true)
}

extension JSONValue {
    /// The document as UTF-8 bytes. Deterministic: the same value always gives the same bytes.
    public func serialized(_ options: JSONWriteOptions = .compact) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        JSONWriter(options: options).write(self, into: &out, level: 0)
        if options.indent != nil { out.append(0x0A) }
        return out
    }

    /// The value as UTF-8 bytes written as if it sat `level` levels deep in a larger document (so a
    /// streamed document can be assembled from parts, byte-identical to writing it whole); no newline
    /// is added at the end.
    public func serialized(_ options: JSONWriteOptions, atLevel level: Int) -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter(options: options).write(self, into: &out, level: max(0, level))
        return out
    }

    /// The document as a string.
    public func serializedString(_ options: JSONWriteOptions = .compact) -> String {
        String(decoding: serialized(options), as: UTF8.self)
    }
}

struct JSONWriter {
    let options: JSONWriteOptions

    func write(_ value: JSONValue, into out: inout [UInt8], level: Int) {
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.text.utf8)
        case .string(let s): writeString(s, into: &out)
        case .array(let items):
            if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { separator(&out) }
                newline(&out, level + 1)
                write(item, into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            if object.isEmpty { out.append(contentsOf: "{}".utf8); return }
            out.append(UInt8(ascii: "{"))
            let pairs: [(key: String, value: JSONValue)] =
                options.sortedKeys ? object.sorted { $0.key < $1.key } : Array(object)
            for (i, pair) in pairs.enumerated() {
                if i > 0 { separator(&out) }
                newline(&out, level + 1)
                writeString(pair.key, into: &out)
                out.append(UInt8(ascii: ":"))
                if options.spacedSeparators || options.indent != nil { out.append(0x20) }
                write(pair.value, into: &out, level: level + 1)
            }
            newline(&out, level)
            out.append(UInt8(ascii: "}"))
        }
    }

    func separator(_ out: inout [UInt8]) {
        out.append(UInt8(ascii: ","))
        if options.indent == nil, options.spacedSeparators { out.append(0x20) }
    }

    func newline(_ out: inout [UInt8], _ level: Int) {
        guard let indent = options.indent else { return }
        out.append(0x0A)
        out.append(contentsOf: repeatElement(0x20, count: indent * level))
    }

    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        if options.asciiOnly {
            for unit in s.utf16 {
                if unit < 0x80 {
                    escapeASCII(UInt8(unit), into: &out)
                } else {
                    appendUnicodeEscape(unit, into: &out)
                }
            }
        } else {
            for b in s.utf8 {
                if b < 0x80 { escapeASCII(b, into: &out) } else { out.append(b) }
            }
        }
        out.append(0x22)
    }

    func escapeASCII(_ b: UInt8, into out: inout [UInt8]) {
        switch b {
        case 0x22: out.append(contentsOf: [0x5C, 0x22])
        case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
        case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
        case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
        case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
        case 0x08: out.append(contentsOf: [0x5C, UInt8(ascii: "b")])
        case 0x0C: out.append(contentsOf: [0x5C, UInt8(ascii: "f")])
        case 0..<0x20: appendUnicodeEscape(UInt16(b), into: &out)
        default: out.append(b)
        }
    }

    func appendUnicodeEscape(_ unit: UInt16, into out: inout [UInt8]) {
        out.append(contentsOf: [0x5C, UInt8(ascii: "u"),
                                Self.hex[Int(unit >> 12) & 0xF], Self.hex[Int(unit >> 8) & 0xF],
                                Self.hex[Int(unit >> 4) & 0xF], Self.hex[Int(unit) & 0xF]])
    }
}

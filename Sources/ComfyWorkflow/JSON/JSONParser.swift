/// Why a JSON text could not be read, and where.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The byte offset at which reading failed.
    public let offset: Int
    /// What was wrong, for example "unexpected end of input" or "nesting deeper than 512".
    public let reason: String

    /// Creates an error at `offset` for `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// One line: the reason and the byte offset.
    public var description: String { "\(reason) at byte \(offset)" }
}

/// Bounds that keep a hostile document from exhausting the stack or memory.
public struct JSONLimits: Sendable, Hashable {
    /// The deepest nesting of arrays and objects accepted (default 512).
    public var maxDepth: Int
    /// The largest document accepted, in bytes (default 64 MiB).
    public var maxBytes: Int

    /// Creates limits; the defaults suit any real ComfyUI reply or graph.
    public init(maxDepth: Int = 512, maxBytes: Int = 64 << 20) {
        self.maxDepth = maxDepth
        self.maxBytes = maxBytes
    }
}

extension JSONValue {
    /// Parses a complete JSON document (RFC 8259; surrounding white space allowed).
    ///
    /// Throws `JSONParseError` for invalid syntax, invalid UTF-8, trailing data, nesting deeper than
    /// `limits.maxDepth` or input larger than `limits.maxBytes`. Never traps.
    public static func parse<C: Collection>(_ bytes: C, limits: JSONLimits = JSONLimits()) throws(JSONParseError) -> JSONValue
    where C.Element == UInt8 {
        let array = Array(bytes)
        guard array.count <= limits.maxBytes else {
            throw JSONParseError(offset: 0, reason: "document of \(array.count) bytes exceeds the limit of \(limits.maxBytes)")
        }
        var parser = JSONParser(bytes: array, limits: limits)
        return try parser.parseDocument()
    }

    /// Parses a complete JSON document from a string.
    public static func parse(_ text: String, limits: JSONLimits = JSONLimits()) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }
}

struct JSONParser {
    let bytes: [UInt8]
    let limits: JSONLimits
    var pos = 0
    var depth = 0

    init(bytes: [UInt8], limits: JSONLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    mutating func parseDocument() throws(JSONParseError) -> JSONValue {
        // A UTF-8 byte order mark is tolerated, as Python's json does for decoded text.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { pos = 3 }
        skipSpace()
        let value = try parseValue()
        skipSpace()
        guard pos == bytes.count else { throw fail("unexpected data after the document") }
        return value
    }

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: pos, reason: reason) }

    mutating func skipSpace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x0A, 0x0D, 0x09: pos += 1
            default: return
            }
        }
    }

    mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw fail("unexpected character '\(Self.printable(bytes[pos]))'")
        }
    }

    static func printable(_ b: UInt8) -> String {
        if (0x20..<0x7F).contains(b) { return String(UnicodeScalar(b)) }
        let digits = Array("0123456789ABCDEF")
        return "\\x" + String(digits[Int(b >> 4)]) + String(digits[Int(b & 0xF)])
    }

    mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard pos + w.count <= bytes.count else { throw fail("unexpected end of input") }
        for i in 0..<w.count where bytes[pos + i] != w[i] { throw fail("invalid literal") }
        pos += w.count
    }

    mutating func enter() throws(JSONParseError) {
        depth += 1
        if depth > limits.maxDepth { throw fail("nesting deeper than \(limits.maxDepth)") }
    }

    mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        var object = JSONObject()
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1; depth -= 1
            return .object(object)
        }
        while true {
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
            guard bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
            let key = try parseString()
            skipSpace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after a key") }
            pos += 1
            skipSpace()
            object[key] = try parseValue()
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw fail("expected ',' or '}' in an object")
        }
        depth -= 1
        return .object(object)
    }

    mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        pos += 1
        var items: [JSONValue] = []
        skipSpace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1; depth -= 1
            return .array(items)
        }
        while true {
            skipSpace()
            items.append(try parseValue())
            skipSpace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw fail("expected ',' or ']' in an array")
        }
        depth -= 1
        return .array(items)
    }

    mutating func parseNumber() throws(JSONParseError) -> JSONNumber {
        let start = pos
        func digits(_ p: inout Int, _ b: [UInt8]) -> Int {
            let s = p
            while p < b.count, b[p] >= 48, b[p] <= 57 { p += 1 }
            return p - s
        }
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < bytes.count else { throw fail("unexpected end of input in a number") }
        if bytes[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if digits(&pos, bytes) == 0 {
            throw fail("invalid number")
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: ".") {
            pos += 1
            guard digits(&pos, bytes) > 0 else { throw fail("invalid number: no digits after '.'") }
        }
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "e") || bytes[pos] == UInt8(ascii: "E") {
            pos += 1
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
            guard digits(&pos, bytes) > 0 else { throw fail("invalid number: no digits in the exponent") }
        }
        if pos - start > 4096 { throw JSONParseError(offset: start, reason: "number literal longer than 4096 characters") }
        return JSONNumber(uncheckedText: String(decoding: bytes[start..<pos], as: UTF8.self))
    }

    mutating func parseString() throws(JSONParseError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = bytes[start..<pos]
                pos += 1
                guard let s = String(validating: slice, as: UTF8.self) else {
                    throw JSONParseError(offset: start, reason: "invalid UTF-8 in a string")
                }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in a string") }
            pos += 1
        }
        var out = Array(bytes[start..<pos])
        while true {
            guard pos < bytes.count else { throw fail("unterminated string") }
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; break }
            if b < 0x20 { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") { out.append(b); pos += 1; continue }
            pos += 1
            guard pos < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800...0xDBFF).contains(scalar) {
                    if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") {
                        let save = pos
                        pos += 2
                        let low = try hex4()
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            pos = save
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(scalar) ?? "\u{FFFD}")).utf8))
            default:
                throw fail("invalid escape '\\\(Self.printable(e))'")
            }
        }
        guard let s = String(validating: out, as: UTF8.self) else {
            throw JSONParseError(offset: start, reason: "invalid UTF-8 in a string")
        }
        return s
    }

    mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("unterminated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[pos]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            pos += 1
        }
        return v
    }
}

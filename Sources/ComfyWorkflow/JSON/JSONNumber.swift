/// A JSON number kept as the exact text it was written with.
///
/// ComfyUI writes integers of any size (a seed can be 2^64−1) and floats such as `7.0`;
/// keeping the literal text means a graph round-trips byte for byte and no value is
/// silently rounded through `Double`.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    /// The literal as it appears in JSON, for example `"42"`, `"7.0"` or `"1e-3"`.
    public let text: String

    /// Creates a number from JSON literal text; returns nil when the text is not a valid JSON number.
    public init?(text: String) {
        guard JSONNumber.isValidLiteral(text.utf8) else { return nil }
        self.text = text
    }

    init(uncheckedText: String) { self.text = uncheckedText }

    /// Creates a number from a signed integer.
    public init(_ value: Int) { self.text = String(value) }
    /// Creates a number from an unsigned 64-bit integer (seeds up to 2^64−1).
    public init(_ value: UInt64) { self.text = String(value) }
    /// Creates a number from a double; whole values keep a `.0` as Python's json module writes them.
    /// Non-finite values (which JSON cannot carry) become `0`.
    public init(_ value: Double) {
        guard value.isFinite else { self.text = "0"; return }
        if value == value.rounded(), abs(value) < 1e16 {
            self.text = String(Int64(value)) + ".0"
        } else {
            self.text = "\(value)"
        }
    }

    /// True when the literal has no fraction or exponent part.
    public var isInteger: Bool { !text.utf8.contains { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } }

    /// The value as `Int` when it is an integer literal that fits.
    public var int: Int? { isInteger ? Int(text) : nil }
    /// The value as `Int64` when it is an integer literal that fits.
    public var int64: Int64? { isInteger ? Int64(text) : nil }
    /// The value as `UInt64` when it is a non-negative integer literal that fits.
    public var uint64: UInt64? { isInteger ? UInt64(text) : nil }
    /// The value as a `Double` (always available; very large integers lose precision).
    public var double: Double { Double(text) ?? 0 }
    /// The value as a `Decimal`-free exact integer text comparison helper: true when the literal is an integer
    /// whose magnitude exceeds `Int64`.
    public var isBigInteger: Bool { isInteger && int64 == nil }

    /// The literal text.
    public var description: String { text }

    static func isValidLiteral<S: Sequence>(_ bytes: S) -> Bool where S.Element == UInt8 {
        var it = Array(bytes)[...]
        if it.first == UInt8(ascii: "-") { it = it.dropFirst() }
        guard let first = it.first, first >= 48, first <= 57 else { return false }
        if first == 48 { it = it.dropFirst() } else { while let c = it.first, c >= 48, c <= 57 { it = it.dropFirst() } }
        if it.first == UInt8(ascii: ".") {
            it = it.dropFirst()
            guard let c = it.first, c >= 48, c <= 57 else { return false }
            while let c = it.first, c >= 48, c <= 57 { it = it.dropFirst() }
        }
        if let e = it.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            it = it.dropFirst()
            if let s = it.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { it = it.dropFirst() }
            guard let c = it.first, c >= 48, c <= 57 else { return false }
            while let c = it.first, c >= 48, c <= 57 { it = it.dropFirst() }
        }
        return it.isEmpty
    }
}

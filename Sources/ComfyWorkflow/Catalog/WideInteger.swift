/// An exact integer from −(2^64−1) to 2^64−1: wide enough for every bound and seed ComfyUI sends.
///
/// `/object_info` mixes `Int64` bounds (`PrimitiveInt`, ±9223372036854775807) with `UInt64` ones
/// (seed `max` 18446744073709551615), so neither Swift type alone can compare them exactly.
public struct WideInteger: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// True for a value below zero (never set for zero).
    public let isNegative: Bool
    /// The absolute value.
    public let magnitude: UInt64

    /// Creates a value from a sign and magnitude; a negative zero becomes zero.
    public init(negative: Bool, magnitude: UInt64) {
        self.isNegative = negative && magnitude != 0
        self.magnitude = magnitude
    }

    /// Creates a value from an unsigned integer.
    public init(_ value: UInt64) { self.init(negative: false, magnitude: value) }
    /// Creates a value from a signed integer.
    public init(_ value: Int) { self.init(negative: value < 0, magnitude: UInt64(value.magnitude)) }

    /// Reads a JSON number that is a whole value: an integer literal, or a float literal with no fraction
    /// such as `16.0` or `1e3`. Returns nil for a fraction or a magnitude beyond 2^64−1.
    public init?(_ number: JSONNumber) {
        let text = number.text
        if number.isInteger {
            let negative = text.hasPrefix("-")
            guard let magnitude = UInt64(negative ? String(text.dropFirst()) : text) else { return nil }
            self.init(negative: negative, magnitude: magnitude)
            return
        }
        let value = number.double
        guard value.isFinite, value == value.rounded(), value.magnitude < 18_446_744_073_709_551_616.0 else { return nil }
        self.init(negative: value < 0, magnitude: UInt64(value.magnitude))
    }

    /// The value as `Int`, when it fits.
    public var int: Int? {
        if isNegative { return magnitude <= UInt64(Int.max) + 1 ? Int(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int.max) ? Int(magnitude) : nil
    }

    /// The value as `UInt64`, when it is not negative.
    public var uint64: UInt64? { isNegative ? nil : magnitude }

    /// The value as a `Double` (large values round).
    public var double: Double { isNegative ? -Double(magnitude) : Double(magnitude) }

    /// The value as a JSON number.
    public var json: JSONValue { .number(JSONNumber(uncheckedText: description)) }

    /// The value modulo `divisor` (≥ 1), always in `0..<divisor`.
    public func remainder(dividingBy divisor: UInt64) -> UInt64 {
        let r = magnitude % divisor
        return isNegative && r != 0 ? divisor - r : r
    }

    /// True when `self − origin` is a multiple of `step` (computed without overflow).
    public func isOnStep(_ step: UInt64, from origin: WideInteger) -> Bool {
        guard step > 1 else { return true }
        return remainder(dividingBy: step) == origin.remainder(dividingBy: step)
    }

    /// Orders values numerically.
    public static func < (lhs: WideInteger, rhs: WideInteger) -> Bool {
        switch (lhs.isNegative, rhs.isNegative) {
        case (true, false): true
        case (false, true): false
        case (false, false): lhs.magnitude < rhs.magnitude
        case (true, true): lhs.magnitude > rhs.magnitude
        }
    }

    /// The decimal text, for example `-5` or `18446744073709551615`.
    public var description: String { (isNegative ? "-" : "") + String(magnitude) }
}

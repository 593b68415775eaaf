/// A JSON document as a value: the common currency of graphs, server replies and project files.
///
/// Unlike `JSONSerialization` it keeps object key order and the exact text of numbers, so a
/// graph or a `project.json` can be read, edited and written back with nothing else changed,
/// and seeds up to 2^64−1 survive intact.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its literal text.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object with ordered keys.
    case object(JSONObject)

    /// The member `key` of an object, or nil for a missing key or a non-object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` of an array, or nil when out of range or not an array.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The Boolean, when this is a Boolean.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The number, when this is a number.
    public var numberValue: JSONNumber? { if case .number(let n) = self { return n }; return nil }
    /// The value as `Int`, when this is an integer literal that fits.
    public var intValue: Int? { numberValue?.int }
    /// The value as `UInt64`, when this is a non-negative integer literal that fits.
    public var uint64Value: UInt64? { numberValue?.uint64 }
    /// The value as `Double`, when this is a number.
    public var doubleValue: Double? { numberValue?.double }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    /// The object, when this is an object.
    public var objectValue: JSONObject? { if case .object(let o) = self { return o }; return nil }
    /// True for `null`.
    public var isNull: Bool { if case .null = self { return true }; return false }

    /// A short name of the value's JSON type, for error messages: "object", "array", "string", "number", "boolean" or "null".
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// Creates an integer number value.
    public static func int(_ v: Int) -> JSONValue { .number(JSONNumber(v)) }
    /// Creates an unsigned integer number value.
    public static func uint64(_ v: UInt64) -> JSONValue { .number(JSONNumber(v)) }
    /// Creates a floating-point number value (whole values are written with `.0`).
    public static func double(_ v: Double) -> JSONValue { .number(JSONNumber(v)) }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    /// `null`.
    public init(nilLiteral: ()) { self = .null }
    /// A Boolean.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// An integer.
    public init(integerLiteral value: Int) { self = .int(value) }
    /// A float.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// A string.
    public init(stringLiteral value: String) { self = .string(value) }
    /// An array.
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    /// An object, keys in literal order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

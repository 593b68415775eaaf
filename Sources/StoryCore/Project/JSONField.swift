import ComfyWorkflow
import Foundation

/// A value inside a project document together with its file and JSON path, for typed reads
/// whose errors say exactly where the problem is.
struct JSONField: Sendable {
    let file: String
    let path: String
    let value: JSONValue?

    init(file: String, path: String = "$", value: JSONValue?) {
        self.file = file
        self.path = path
        self.value = value
    }

    /// The member `key`, present or not.
    subscript(key: String) -> JSONField {
        let isPlain = !key.isEmpty && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        let childPath = isPlain ? "\(path).\(key)" : "\(path)[\"\(key)\"]"
        return JSONField(file: file, path: childPath, value: value?[key])
    }

    /// True when the value is absent or `null`.
    var isAbsent: Bool { value == nil || value == .null }

    func missing(_ expected: String) -> ProjectError {
        .missingField(file: file, path: path, expected: expected)
    }

    func invalid(_ expected: String) -> ProjectError {
        .invalidField(file: file, path: path, expected: expected, found: Self.describe(value))
    }

    static func describe(_ value: JSONValue?) -> String {
        guard let value else { return "nothing" }
        switch value {
        case .string(let s): return "string \"\(s.count > 40 ? String(s.prefix(40)) + "…" : s)\""
        case .number(let n): return "number \(n.text)"
        case .bool(let b): return "boolean \(b)"
        default: return value.typeName
        }
    }

    func object() throws(ProjectError) -> JSONObject {
        guard let value else { throw missing("an object") }
        guard let o = value.objectValue else { throw invalid("an object") }
        return o
    }

    func optionalObject() throws(ProjectError) -> JSONObject? {
        if isAbsent { return nil }
        return try object()
    }

    func array() throws(ProjectError) -> [JSONField] {
        guard let value else { throw missing("an array") }
        guard let a = value.arrayValue else { throw invalid("an array") }
        return a.enumerated().map { JSONField(file: file, path: "\(path)[\($0.offset)]", value: $0.element) }
    }

    func optionalArray() throws(ProjectError) -> [JSONField]? {
        if isAbsent { return nil }
        return try array()
    }

    func string() throws(ProjectError) -> String {
        guard let value else { throw missing("a string") }
        guard let s = value.stringValue else { throw invalid("a string") }
        return s
    }

    func optionalString() throws(ProjectError) -> String? {
        if isAbsent { return nil }
        return try string()
    }

    func nonEmptyString() throws(ProjectError) -> String {
        let s = try string()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw invalid("a non-empty string") }
        return s
    }

    func int() throws(ProjectError) -> Int {
        guard let value else { throw missing("an integer") }
        guard let i = value.intValue else { throw invalid("an integer") }
        return i
    }

    func optionalInt() throws(ProjectError) -> Int? {
        if isAbsent { return nil }
        return try int()
    }

    func uint64() throws(ProjectError) -> UInt64 {
        guard let value else { throw missing("a non-negative integer") }
        guard let i = value.uint64Value else { throw invalid("a non-negative integer") }
        return i
    }

    func optionalDouble() throws(ProjectError) -> Double? {
        if isAbsent { return nil }
        guard let d = value?.doubleValue else { throw invalid("a number") }
        return d
    }

    func double() throws(ProjectError) -> Double {
        guard let value else { throw missing("a number") }
        guard let d = value.doubleValue else { throw invalid("a number") }
        return d
    }

    func bool() throws(ProjectError) -> Bool {
        guard let value else { throw missing("a boolean") }
        guard let b = value.boolValue else { throw invalid("a boolean") }
        return b
    }
}

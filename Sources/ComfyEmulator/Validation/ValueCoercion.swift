import ComfyWorkflow
import Foundation

/// A Python conversion (`int()`, `float()`) that failed, with the exception text Python gives.
struct ConversionFailure: Error {
    /// `str(exception)`.
    let message: String
}

/// The conversions ComfyUI applies to literal inputs during validation (`execution.py`), which also
/// rewrite the queued prompt: INT through `int()`, FLOAT through `float()`, STRING through `str()`,
/// BOOLEAN through `bool()`.
enum ValueCoercion {
    /// Converts `value` for an input declared as `type`; other types pass through unchanged.
    static func coerce(_ value: JSONValue, to type: String) throws(ConversionFailure) -> JSONValue {
        switch type {
        case "INT": return try int(value)
        case "FLOAT": return try float(value)
        case "STRING": return .string(PythonText.str(value))
        case "BOOLEAN": return .bool(PythonText.truthy(value))
        default: return value
        }
    }

    /// Python `int(value)`.
    static func int(_ value: JSONValue) throws(ConversionFailure) -> JSONValue {
        switch value {
        case .number(let n):
            if n.isInteger { return .number(JSONNumber(text: PythonText.normalizedInteger(n.text)) ?? n) }
            return .number(JSONNumber(text: PythonText.truncatedInteger(n.double)) ?? JSONNumber(0))
        case .bool(let b):
            return .int(b ? 1 : 0)
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            var body = Substring(t)
            if body.first == "-" || body.first == "+" { body = body.dropFirst() }
            let digits = body.replacingOccurrences(of: "_", with: "")
            if !body.isEmpty, !body.hasPrefix("_"), !body.hasSuffix("_"), !body.contains("__"),
               digits.allSatisfy(\.isASCIIDigitCharacter), let n = JSONNumber(text: PythonText.normalizedInteger((t.hasPrefix("-") ? "-" : "") + digits)) {
                return .number(n)
            }
            throw ConversionFailure(message: "invalid literal for int() with base 10: \(PythonText.quote(s))")
        default:
            throw ConversionFailure(message: "int() argument must be a string, a bytes-like object or a real number, not '\(PythonText.typeName(value))'")
        }
    }

    /// Python `float(value)`.
    static func float(_ value: JSONValue) throws(ConversionFailure) -> JSONValue {
        switch value {
        case .number(let n):
            return .number(JSONNumber(n.double))
        case .bool(let b):
            return .double(b ? 1 : 0)
        case .string(let s):
            let t = s.trimmingCharacters(in: .whitespaces)
            if let d = Double(t), d.isFinite, !t.isEmpty, t.last != ".", !t.lowercased().hasPrefix("0x") {
                return .double(d)
            }
            throw ConversionFailure(message: "could not convert string to float: \(PythonText.quote(s))")
        default:
            throw ConversionFailure(message: "float() argument must be a string or a real number, not '\(PythonText.typeName(value))'")
        }
    }
}

extension Character {
    var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}

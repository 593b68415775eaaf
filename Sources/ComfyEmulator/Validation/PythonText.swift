import ComfyWorkflow

/// Python's `str()`, `repr()` and conversion rules applied to JSON values, so validation messages and
/// coerced prompt values read exactly as ComfyUI's (a Python server) writes them.
enum PythonText {
    /// `str(value)` of the Python object `json.loads` would give.
    static func str(_ value: JSONValue) -> String {
        if case .string(let s) = value { return s }
        return repr(value)
    }

    /// `repr(value)` of the Python object `json.loads` would give.
    static func repr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .number(let n): return number(n)
        case .string(let s): return quote(s)
        case .array(let items): return "[" + items.map(repr).joined(separator: ", ") + "]"
        case .object(let o): return "{" + o.map { quote($0.key) + ": " + repr($0.value) }.joined(separator: ", ") + "}"
        }
    }

    /// A number as Python prints it: integers exactly, floats in shortest-repr form (`7.0`, `1e-05`).
    static func number(_ n: JSONNumber) -> String {
        if n.isInteger { return normalizedInteger(n.text) }
        return float(n.double)
    }

    /// A float as Python's `repr(float)` writes it.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        if d == d.rounded(), abs(d) < 1e16 { return String(Int64(d)) + ".0" }
        return "\(d)"
    }

    /// Python's repr of a string: single quotes unless the text holds a single quote and no double quote.
    static func quote(_ s: String) -> String {
        let useDouble = s.contains("'") && !s.contains("\"")
        let q: Character = useDouble ? "\"" : "'"
        var out = String(q)
        for ch in s.unicodeScalars {
            switch ch {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "'" where !useDouble: out += "\\'"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    out += "\\x" + String(ch.value, radix: 16).leftPadded(to: 2)
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        out.append(q)
        return out
    }

    /// Python's name of the type of `value` (`NoneType`, `dict`, `list`, ...).
    static func typeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .number(let n): return n.isInteger ? "int" : "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }

    /// Python truthiness of `value`.
    static func truthy(_ value: JSONValue) -> Bool {
        switch value {
        case .null: return false
        case .bool(let b): return b
        case .number(let n): return n.isInteger ? normalizedInteger(n.text) != "0" : n.double != 0
        case .string(let s): return !s.isEmpty
        case .array(let a): return !a.isEmpty
        case .object(let o): return !o.isEmpty
        }
    }

    /// Strips a leading `+`, leading zeros and a negative zero from integer text.
    static func normalizedInteger(_ text: String) -> String {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() } else if digits.first == "+" { digits = digits.dropFirst() }
        let trimmed = digits.drop { $0 == "0" }
        if trimmed.isEmpty { return "0" }
        return (negative ? "-" : "") + trimmed
    }

    /// The integer text of a finite double, truncated toward zero as Python's `int(float)` does.
    static func truncatedInteger(_ d: Double) -> String {
        let t = d.rounded(.towardZero)
        if abs(t) < 9.0e18 { return String(Int64(t)) }
        var magnitude = abs(t)
        var digits: [Character] = []
        while magnitude >= 1 {
            let q = (magnitude / 10).rounded(.towardZero)
            let r = Int(magnitude - q * 10)
            digits.append(Character(String(r)))
            magnitude = q
        }
        return (t < 0 ? "-" : "") + String(digits.reversed())
    }

    /// Compares two numbers exactly when both are integers (any size), else as doubles.
    static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.isInteger && b.isInteger {
            let x = normalizedInteger(a.text), y = normalizedInteger(b.text)
            let xn = x.hasPrefix("-"), yn = y.hasPrefix("-")
            if xn != yn { return xn ? -1 : 1 }
            let xm = xn ? String(x.dropFirst()) : x, ym = yn ? String(y.dropFirst()) : y
            var c = xm.count == ym.count ? (xm == ym ? 0 : (xm < ym ? -1 : 1)) : (xm.count < ym.count ? -1 : 1)
            if xn { c = -c }
            return c
        }
        let x = a.double, y = b.double
        return x == y ? 0 : (x < y ? -1 : 1)
    }
}

extension String {
    func leftPadded(to width: Int, with pad: Character = "0") -> String {
        count >= width ? self : String(repeating: pad, count: width - count) + self
    }
}

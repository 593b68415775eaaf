/// An explicit `node_id.input = value` setting that wins over every injected parameter.
public struct NodeInputOverride: Sendable, Hashable, CustomStringConvertible {
    /// The node id, e.g. `"3"` (ids may contain dots).
    public var nodeID: String
    /// The input name, e.g. `steps`.
    public var input: String
    /// The literal to set.
    public var value: JSONValue

    /// Creates an override.
    public init(nodeID: String, input: String, value: JSONValue) {
        self.nodeID = nodeID
        self.input = input
        self.value = value
    }

    /// Parses `node_id.input=value`, splitting the target at its last dot (node ids may contain dots).
    ///
    /// The value is read as JSON when it is valid JSON (`30`, `7.5`, `true`, `"text"`), otherwise it is
    /// taken as a plain string (`euler`). Throws `InjectionError.invalidOverride` for a malformed setting.
    public init(parsing text: String) throws(InjectionError) {
        guard let equals = text.firstIndex(of: "=") else {
            throw .invalidOverride(text: text, reason: "expected node_id.input=value")
        }
        let target = text[..<equals].trimmingCharacters()
        let rawValue = String(text[text.index(after: equals)...]).trimmingCharacters()
        guard let dot = target.lastIndex(of: "."), dot != target.startIndex, target.index(after: dot) != target.endIndex else {
            throw .invalidOverride(text: text, reason: "expected node_id.input before '='")
        }
        nodeID = String(target[..<dot])
        input = String(target[target.index(after: dot)...])
        if let json = try? JSONValue.parse(rawValue), !rawValue.isEmpty {
            value = json
        } else {
            value = .string(rawValue)
        }
    }

    /// `node_id.input=value`, the value as compact JSON.
    public var description: String { "\(nodeID).\(input)=\(value.serializedString())" }
}

extension StringProtocol {
    func trimmingCharacters() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        return String(self.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
    }
}

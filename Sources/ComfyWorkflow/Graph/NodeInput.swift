/// One input of a node in an API-format graph: a literal value or a link to another node's output.
public enum NodeInput: Sendable, Hashable {
    /// A literal value (number, string, Boolean, or a `{"__value__": …}` wrapper for a literal list).
    case literal(JSONValue)
    /// A link `[node_id, output_index]` to output `output` of node `nodeID`.
    case link(nodeID: String, output: Int)

    /// Reads an input as ComfyUI does: a two-element array `[string, int]` is a link, anything else a literal.
    ///
    /// Arrays of other shapes stay literals so the validator can report them as ComfyUI would
    /// (`bad_linked_input`) instead of the loader refusing the file.
    public init(json: JSONValue) {
        if case .array(let items) = json, items.count == 2,
           case .string(let id) = items[0], let slot = items[1].intValue ?? items[1].doubleValue.flatMap({ $0 == $0.rounded() && abs($0) < 1e9 ? Int($0) : nil }) {
            self = .link(nodeID: id, output: slot)
        } else {
            self = .literal(json)
        }
    }

    /// The JSON form of the input.
    public var json: JSONValue {
        switch self {
        case .literal(let v): v
        case .link(let id, let slot): .array([.string(id), .int(slot)])
        }
    }

    /// The literal, when this input is one.
    public var literal: JSONValue? { if case .literal(let v) = self { return v }; return nil }

    /// The linked node id and output index, when this input is a link.
    public var link: (nodeID: String, output: Int)? {
        if case .link(let id, let slot) = self { return (id, slot) }
        return nil
    }
}

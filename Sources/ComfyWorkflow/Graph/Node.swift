/// One node of an API-format graph: its class, its inputs in order, and any other keys kept verbatim.
///
/// A node read from a file remembers where `class_type` and `inputs` stood among its keys, so
/// writing it back gives the same key order (and so the same bytes). A node built in code is
/// written as ComfyUI's frontend writes it: `inputs`, `class_type`, then the other keys.
public struct Node: Sendable, Hashable {
    /// The node class, a key of `/object_info` (for example `KSampler`).
    public var classType: String
    /// The inputs in file order.
    public var inputs: [(name: String, value: NodeInput)] {
        get { inputStorage.map { ($0.key, NodeInput(json: $0.value)) } }
        set { inputStorage = JSONObject(newValue.map { ($0.name, $0.value.json) }) }
    }
    /// The raw inputs object, in file order.
    public var inputStorage: JSONObject
    /// Every other key of the node (`_meta` and anything unknown), kept in order for writing back.
    public var extra: JSONObject
    /// The node's keys in the order they were read, including `class_type` and `inputs`; empty for a node built in code.
    var fieldOrder: [String] = []

    /// Creates a node.
    public init(classType: String, inputs: JSONObject = JSONObject(), extra: JSONObject = JSONObject()) {
        self.classType = classType
        self.inputStorage = inputs
        self.extra = extra
    }

    /// The input named `name`, if present.
    public subscript(input name: String) -> NodeInput? {
        get { inputStorage[name].map(NodeInput.init(json:)) }
        set { inputStorage[name] = newValue?.json }
    }

    /// The node title from `_meta.title`, if any.
    public var title: String? { extra["_meta"]?["title"]?.stringValue }

    /// The node as its API-format JSON object, keys in the order the node was read (see the type's notes).
    public var json: JSONValue {
        var fields = JSONObject()
        for key in fieldOrder {
            switch key {
            case "inputs": fields["inputs"] = .object(inputStorage)
            case "class_type": fields["class_type"] = .string(classType)
            default: if let value = extra[key] { fields[key] = value }
            }
        }
        if !fields.contains("inputs") { fields["inputs"] = .object(inputStorage) }
        if !fields.contains("class_type") { fields["class_type"] = .string(classType) }
        for (key, value) in extra where !fields.contains(key) { fields[key] = value }
        return .object(fields)
    }

    /// Two nodes are equal when class, inputs and extra keys are equal, in order; the position of
    /// `class_type` and `inputs` among the keys does not count.
    public static func == (lhs: Node, rhs: Node) -> Bool {
        lhs.classType == rhs.classType && lhs.inputStorage == rhs.inputStorage && lhs.extra == rhs.extra
    }

    /// Hashes class, inputs and extra keys.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(classType)
        hasher.combine(inputStorage)
        hasher.combine(extra)
    }
}

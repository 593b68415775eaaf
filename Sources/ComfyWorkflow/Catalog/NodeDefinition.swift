/// One node class from `/object_info`: inputs in declaration order, outputs, and whether it is an output node.
public struct NodeDefinition: Sendable, Hashable {
    /// One output slot of a node class.
    public struct Output: Sendable, Hashable {
        /// The type, e.g. `LATENT`, matched against the linked input's type.
        public var type: String
        /// The slot name shown in the UI.
        public var name: String
        /// True when the output is a list (`output_is_list`).
        public var isList: Bool

        /// Creates an output slot.
        public init(type: String, name: String, isList: Bool = false) {
            self.type = type
            self.name = name
            self.isList = isList
        }
    }

    /// The class name (`class_type`).
    public var name: String
    /// The human name; falls back to `name` when the server sends none or `null` (V3 nodes).
    public var displayName: String
    /// The menu category, e.g. `sampling`.
    public var category: String
    /// Inputs in the server's order: required, then optional, then hidden (each in `input_order` when given).
    public var inputs: [InputDefinition]
    /// Output slots by index.
    public var outputs: [Output]
    /// True for a node the server runs as a graph output (`output_node`), such as `SaveImage`.
    public var isOutputNode: Bool
    /// True when the server marks the class deprecated.
    public var isDeprecated: Bool

    /// Creates a definition.
    public init(name: String, displayName: String? = nil, category: String = "", inputs: [InputDefinition] = [],
                outputs: [Output] = [], isOutputNode: Bool = false, isDeprecated: Bool = false) {
        self.name = name
        self.displayName = displayName ?? name
        self.category = category
        self.inputs = inputs
        self.outputs = outputs
        self.isOutputNode = isOutputNode
        self.isDeprecated = isDeprecated
    }

    /// The input named `name`, in any section.
    public func input(named name: String) -> InputDefinition? { inputs.first { $0.name == name } }

    /// The inputs a client sends: required and optional, in order (hidden ones left out).
    public var clientInputs: [InputDefinition] { inputs.filter { $0.section != .hidden } }

    /// The inputs the frontend shows as widgets, in the order their values appear in a UI export's `widgets_values`.
    public var widgetInputs: [InputDefinition] { clientInputs.filter(\.isWidget) }

    /// Reads one class's info object as `/object_info` sends it (V1 or V3 shape); `name` is its key in the reply.
    ///
    /// Decoding is lenient: unknown keys and option keys are ignored, a missing or odd section is
    /// skipped, and an input spec of an unknown shape is kept as a connection of type `*`.
    public init(name: String, info: JSONValue) throws(CatalogDecodeError) {
        guard case .object(let object) = info else {
            throw .notAnObject(path: "$[\"\(name)\"]", found: info.typeName)
        }
        self.name = name
        self.displayName = object["display_name"]?.stringValue ?? self.name
        self.category = object["category"]?.stringValue ?? ""
        self.isOutputNode = object["output_node"]?.boolValue ?? false
        self.isDeprecated = object["deprecated"]?.boolValue ?? false
        var inputs: [InputDefinition] = []
        let order = object["input_order"]?.objectValue
        for section in [InputDefinition.Section.required, .optional, .hidden] {
            guard let specs = object["input"]?[section.rawValue]?.objectValue else { continue }
            var names = specs.keys
            if let declared = order?[section.rawValue]?.arrayValue?.compactMap(\.stringValue),
               Set(declared) == Set(names) {
                names = declared
            }
            for inputName in names {
                guard let spec = specs[inputName] else { continue }
                inputs.append(Self.decodeInput(name: inputName, section: section, spec: spec))
            }
        }
        self.inputs = inputs
        let types = object["output"]?.arrayValue ?? []
        let names = object["output_name"]?.arrayValue ?? []
        let lists = object["output_is_list"]?.arrayValue ?? []
        self.outputs = types.enumerated().map { i, t in
            let type: String
            switch t {
            case .string(let s): type = s
            case .array: type = "COMBO"
            default: type = "*"
            }
            return Output(type: type, name: names.indices.contains(i) ? names[i].stringValue ?? type : type,
                          isList: lists.indices.contains(i) ? lists[i].boolValue ?? false : false)
        }
    }

    static func decodeInput(name: String, section: InputDefinition.Section, spec: JSONValue) -> InputDefinition {
        let typeValue: JSONValue
        var options = JSONObject()
        switch spec {
        case .array(let parts) where !parts.isEmpty:
            typeValue = parts[0]
            if parts.count > 1, case .object(let o) = parts[1] { options = o }
        case .string:
            typeValue = spec
        default:
            return InputDefinition(name: name, section: section, type: .connection("*"))
        }
        let type: InputType
        switch typeValue {
        case .array(let choices):
            type = .combo(choices)
        case .string(let t):
            switch t {
            case "INT":
                type = .int(IntegerConstraints(
                    min: options["min"]?.numberValue.flatMap(WideInteger.init),
                    max: options["max"]?.numberValue.flatMap(WideInteger.init),
                    step: options["step"]?.numberValue.flatMap(WideInteger.init)?.uint64))
            case "FLOAT":
                type = .float(FloatConstraints(min: options["min"]?.doubleValue, max: options["max"]?.doubleValue,
                                               step: options["step"]?.doubleValue))
            case "STRING":
                type = .string(multiline: options["multiline"]?.boolValue ?? false)
            case "BOOLEAN":
                type = .boolean
            case "COMBO":
                type = .combo(options["options"]?.arrayValue ?? [])
            default:
                type = .connection(t)
            }
        default:
            type = .connection("*")
        }
        return InputDefinition(name: name, section: section, type: type, options: options)
    }
}

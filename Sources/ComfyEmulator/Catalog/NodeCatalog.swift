import ComfyWorkflow

/// One input of a node class, as `/object_info` declares it.
struct InputSpec: Sendable {
    /// The input name.
    let name: String
    /// True for `required`, false for `optional`.
    let required: Bool
    /// The declared type: a type name (`INT`, `IMAGE`, `COMBO`, ...) or nil for an old-style combo.
    let typeName: String?
    /// The allowed values of a combo (old style list, or `COMBO` options).
    let comboOptions: [JSONValue]?
    /// The options object (`default`, `min`, `max`, ...), empty when absent.
    let options: JSONObject
    /// The `[type, options]` pair exactly as declared, for `input_config` in errors.
    let config: JSONValue

    /// The type as Python prints it in error details: the name, or the combo list's repr.
    var displayType: String {
        if let typeName { return typeName }
        return PythonText.repr(.array(comboOptions ?? []))
    }
}

/// A node class the emulator knows: its `/object_info` entry and what validation needs from it.
struct NodeClass: Sendable {
    /// The class name (`class_type`).
    let name: String
    /// The `/object_info` entry.
    let info: JSONValue
    /// Required then optional inputs, in `input_order`.
    let inputs: [InputSpec]
    /// `RETURN_TYPES`.
    let outputTypes: [String]
    /// True for `OUTPUT_NODE` classes.
    let isOutputNode: Bool

    /// The input named `name`, if declared.
    func input(_ name: String) -> InputSpec? { inputs.first { $0.name == name } }
}

/// The emulator's node catalogue: every class it can validate and run.
///
/// Built once per emulator from `NodeDefinitions` with the model library's file names filled in.
/// `LoadImage`'s file list follows the input folder, so its entry is rebuilt on request.
struct NodeCatalog: Sendable {
    /// Classes by name, in catalogue order.
    private(set) var classes: [String: NodeClass] = [:]
    /// Class names in catalogue order (the order `/object_info` lists them).
    private(set) var order: [String] = []

    /// Builds the catalogue; `inputFiles` fills `LoadImage`'s combo.
    /// The bundled definitions, parsed once per process.
    private static let definitions: JSONObject = {
        var all = JSONObject()
        for text in NodeDefinitions.parts {
            guard case .object(let part)? = try? JSONValue.parse(text) else {
                preconditionFailure("the bundled node definitions are not valid JSON")
            }
            for (name, entry) in part { all[name] = entry }
        }
        return all
    }()

    init(models: ModelLibrary, inputFiles: [String]) {
        for (name, entry) in NodeCatalog.definitions {
            let filled = NodeCatalog.fill(entry, models: models, inputFiles: inputFiles)
            order.append(name)
            classes[name] = NodeCatalog.makeClass(name: name, info: filled)
        }
    }

    /// The class named `name`, if known.
    subscript(name: String) -> NodeClass? { classes[name] }

    /// Replaces LoadImage's file list after an upload.
    mutating func updateInputFiles(_ files: [String], models: ModelLibrary) {
        guard let entry = NodeCatalog.definitions["LoadImage"] else { return }
        classes["LoadImage"] = NodeCatalog.makeClass(name: "LoadImage", info: NodeCatalog.fill(entry, models: models, inputFiles: files))
    }

    /// `GET /object_info`: every class.
    func objectInfo() -> JSONValue {
        var out = JSONObject()
        for name in order { if let c = classes[name] { out[name] = c.info } }
        return .object(out)
    }

    private static func fill(_ value: JSONValue, models: ModelLibrary, inputFiles: [String]) -> JSONValue {
        switch value {
        case .string(let s) where s.hasPrefix("__MODELS_") && s.hasSuffix("__"):
            let folder = String(s.dropFirst("__MODELS_".count).dropLast(2))
            return .array(models.list(folder).map { .string($0) })
        case .string("__INPUT_FILES__"):
            return .array(inputFiles.map { .string($0) })
        case .array(let items):
            return .array(items.map { fill($0, models: models, inputFiles: inputFiles) })
        case .object(let o):
            var copy = JSONObject()
            for (k, v) in o { copy[k] = fill(v, models: models, inputFiles: inputFiles) }
            return .object(copy)
        default:
            return value
        }
    }

    private static func makeClass(name: String, info: JSONValue) -> NodeClass {
        var inputs: [InputSpec] = []
        for category in ["required", "optional"] {
            guard let declared = info["input"]?[category]?.objectValue else { continue }
            let order = info["input_order"]?[category]?.arrayValue?.compactMap(\.stringValue) ?? declared.keys
            for inputName in order {
                guard let spec = declared[inputName] else { continue }
                let options = spec[1]?.objectValue ?? JSONObject()
                var typeName: String?
                var combo: [JSONValue]?
                switch spec[0] {
                case .string(let t)?:
                    typeName = t
                    if t == "COMBO" { combo = options["options"]?.arrayValue ?? [] }
                case .array(let list)?:
                    combo = list
                default:
                    typeName = "*"
                }
                inputs.append(InputSpec(name: inputName, required: category == "required", typeName: typeName,
                                        comboOptions: combo, options: options, config: .array([spec[0] ?? .null, .object(options)])))
            }
        }
        let outputs = info["output"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return NodeClass(name: name, info: info, inputs: inputs, outputTypes: outputs,
                         isOutputNode: info["output_node"]?.boolValue ?? false)
    }
}

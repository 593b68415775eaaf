/// Converts a frontend UI export (`nodes`/`links`) into an API-format `Workflow`, as the frontend's "Export (API)" does.
///
/// Widget values are matched to input names in the catalogue's order, skipping the extra
/// "control after generate" value that follows seed widgets (a mode string, or the boolean older
/// frontends saved there), and reading KSampler's early `sample_<name>` sampler spelling as the
/// frontend does; links are resolved through Reroute
/// nodes and through bypassed nodes (which pass the input of the matching type through); a
/// PrimitiveNode's value becomes a literal in the inputs it feeds; muted nodes are left out, and
/// inputs linked to them are left unset (as the frontend does); Note and MarkdownNote nodes are
/// dropped. Subgraphs, group nodes and classes the catalogue lacks are errors naming the node.
public struct UIWorkflowConverter: Sendable {
    /// The server's node classes; required, since UI exports store widget values by position only.
    public var catalog: NodeCatalog

    /// Node modes in a UI export.
    static let modeMuted = 2, modeBypassed = 4
    static let droppedTypes: Set<String> = ["Note", "MarkdownNote"]
    static let controlValues: Set<String> = ["fixed", "increment", "decrement", "randomize"]
    /// Classes whose `sampler_name` the frontend still loads from its early `sample_euler` spelling.
    static let legacySamplerClasses: Set<String> = ["KSampler", "KSamplerAdvanced"]

    /// Creates a converter for one server's catalogue.
    public init(catalog: NodeCatalog) { self.catalog = catalog }

    /// The API-format graph of a UI export, nodes in the export's execution order.
    public func convert(_ json: JSONValue) throws(UIConversionError) -> Workflow {
        let graph = try UIGraph(json: json)
        var workflow = Workflow()
        let ordered = graph.nodes.enumerated().sorted { ($0.element.order, $0.offset) < ($1.element.order, $1.offset) }.map(\.element)
        for node in ordered {
            if Self.droppedTypes.contains(node.type) || node.type == "Reroute" || node.type == "PrimitiveNode" { continue }
            if graph.subgraphIDs.contains(node.type) || node.type.hasPrefix("workflow>") || node.type.hasPrefix("workflow/") {
                throw .subgraph(nodeID: node.id, type: node.type)
            }
            if node.mode == Self.modeMuted || node.mode == Self.modeBypassed { continue }
            guard let definition = catalog[node.type] else { throw .unknownClass(nodeID: node.id, type: node.type) }
            workflow[node.id] = try convertNode(node, definition, graph)
        }
        return workflow
    }

    func convertNode(_ node: UIGraph.UINode, _ definition: NodeDefinition, _ graph: UIGraph) throws(UIConversionError) -> Node {
        let widgets = try widgetValues(node, definition)
        var inputs = JSONObject()
        var linked: [String: JSONValue] = [:]
        var linkedOrder: [String] = []
        for slot in node.inputs {
            guard let linkID = slot.link else { continue }
            if let value = try resolve(linkID: linkID, from: node, input: slot.name, graph, depth: 0) {
                linked[slot.name] = value
                linkedOrder.append(slot.name)
            } else {
                linked[slot.name] = .null
            }
        }
        for input in definition.clientInputs {
            if let value = linked[input.name] {
                if value != .null { inputs[input.name] = value }
            } else if let value = widgets[input.name] {
                inputs[input.name] = value
            }
        }
        for name in linkedOrder where !inputs.contains(name) && linked[name] != .null && definition.input(named: name) == nil {
            inputs[name] = linked[name]
        }
        var extra = JSONObject()
        extra["_meta"] = .object(["title": .string(node.title ?? definition.displayName)])
        return Node(classType: node.type, inputs: inputs, extra: extra)
    }

    func widgetValues(_ node: UIGraph.UINode, _ definition: NodeDefinition) throws(UIConversionError) -> [String: JSONValue] {
        let widgetInputs = definition.widgetInputs
        var result: [String: JSONValue] = [:]
        switch node.widgetValues {
        case .object(let byName):
            for input in widgetInputs { if let v = byName[input.name] { result[input.name] = v } }
        case .array(let values):
            var dead = Set<Int>()
            var mismatch: (value: JSONValue, position: Int, input: InputDefinition)?
            if !Self.place(values, widgetInputs, value: 0, input: 0, &result, &dead, &mismatch), let miss = mismatch {
                throw .widgetMismatch(nodeID: node.id, type: node.type,
                                      reason: "widget value \(miss.value.serializedString()) at position \(miss.position) does not fit input \(miss.input.name) (\(miss.input.type.name)); the export was made with a different version of this node")
            }
            if Self.legacySamplerClasses.contains(node.type), let name = result["sampler_name"]?.stringValue, name.hasPrefix("sample_") {
                result["sampler_name"] = .string(String(name.dropFirst("sample_".count)))
            }
        case nil, .null?:
            for input in widgetInputs { if let fallback = input.defaultValue { result[input.name] = fallback } }
        default:
            throw .widgetMismatch(nodeID: node.id, type: node.type, reason: "widgets_values is neither a list nor an object")
        }
        return result
    }

    /// Assigns `values[i...]` to `inputs[w...]` in order, and says whether every value fits its input.
    ///
    /// After an input that has a "control after generate" widget, the next value is that widget's
    /// when it looks like one (a mode string, or a boolean from frontends of 2023, which showed a
    /// "randomize" toggle there) and is skipped, as the frontend never sends it; an export saved
    /// without that value (a boolean or mode string that is really the next input's value) is read by
    /// trying the other alignment when the first does not fit. Failed `(i, w)` states are remembered
    /// in `dead`, so the search is linear in the number of values times inputs. `mismatch` keeps the
    /// first misfit met along the preferred alignment, for the error.
    static func place(_ values: [JSONValue], _ inputs: [InputDefinition], value i: Int, input w: Int,
                      _ result: inout [String: JSONValue], _ dead: inout Set<Int>,
                      _ mismatch: inout (value: JSONValue, position: Int, input: InputDefinition)?) -> Bool {
        guard w < inputs.count else { return true }
        guard i < values.count else {
            for input in inputs[w...] { result[input.name] = input.defaultValue }
            return true
        }
        let state = i * (inputs.count + 1) + w
        guard !dead.contains(state) else { return false }
        let input = inputs[w], value = values[i]
        if Self.fits(value, input.type) {
            result[input.name] = value
            if input.hasControlAfterGenerateWidget, i + 1 < values.count, Self.isControlValue(values[i + 1]),
               place(values, inputs, value: i + 2, input: w + 1, &result, &dead, &mismatch) {
                return true
            }
            if place(values, inputs, value: i + 1, input: w + 1, &result, &dead, &mismatch) { return true }
        } else if mismatch == nil {
            mismatch = (value, i, input)
        }
        dead.insert(state)
        return false
    }

    /// True for a value a "control after generate" widget holds: a mode string, or the boolean of the
    /// 2023 frontends' toggle (`true` loads as "randomize", `false` as "fixed").
    static func isControlValue(_ value: JSONValue) -> Bool {
        if value.boolValue != nil { return true }
        if let s = value.stringValue { return controlValues.contains(s) }
        return false
    }

    static func fits(_ value: JSONValue, _ type: InputType) -> Bool {
        switch type {
        case .int, .float: value.numberValue != nil
        case .string: value.stringValue != nil
        case .boolean: value.boolValue != nil
        case .combo: value.stringValue != nil || value.numberValue != nil || value.boolValue != nil
        case .connection: true
        }
    }

    /// The API value of a link: `[origin_id, slot]`, a literal from a PrimitiveNode, or nil when the
    /// link ends at a muted node or an unconnected reroute (the input is then left unset).
    func resolve(linkID: Int, from target: UIGraph.UINode, input: String, _ graph: UIGraph, depth: Int) throws(UIConversionError) -> JSONValue? {
        guard depth < 64 else { throw .brokenLink(nodeID: target.id, input: input, reason: "a loop of reroutes or bypassed nodes") }
        guard let link = graph.links[linkID] else {
            throw .brokenLink(nodeID: target.id, input: input, reason: "link \(linkID) is not in the links list")
        }
        guard let origin = graph.nodesByID[link.originID] else {
            throw .brokenLink(nodeID: target.id, input: input, reason: "link \(linkID) comes from node \(link.originID), which is not in the export")
        }
        if origin.type == "Reroute" {
            guard let next = origin.inputs.first?.link else { return nil }
            return try resolve(linkID: next, from: target, input: input, graph, depth: depth + 1)
        }
        if origin.type == "PrimitiveNode" {
            guard case .array(let values)? = origin.widgetValues, let value = values.first else {
                throw .brokenLink(nodeID: target.id, input: input, reason: "primitive node \(origin.id) holds no value")
            }
            return value
        }
        if Self.droppedTypes.contains(origin.type) { return nil }
        if origin.mode == Self.modeMuted { return nil }
        if origin.mode == Self.modeBypassed {
            let outputType = origin.outputTypes.indices.contains(link.originSlot) ? origin.outputTypes[link.originSlot] : "*"
            let sameSlot = origin.inputs.indices.contains(link.originSlot) ? origin.inputs[link.originSlot] : nil
            let match = [sameSlot].compactMap { $0 }.first { $0.type == outputType && $0.link != nil }
                ?? origin.inputs.first { $0.type == outputType && $0.link != nil }
            guard let passed = match?.link else { return nil }
            return try resolve(linkID: passed, from: target, input: input, graph, depth: depth + 1)
        }
        return .array([.string(origin.id), .int(link.originSlot)])
    }
}

extension Workflow {
    /// Reads a graph in either format: an API-format graph as is, a UI export converted with `catalog`.
    ///
    /// `file` only labels errors. A UI export that cannot be converted is refused with a message
    /// naming the node and saying how to export the API format instead.
    public init(json: JSONValue, catalog: NodeCatalog?, file: String? = nil) throws(WorkflowLoadError) {
        guard WorkflowFormat.detect(json) == .ui else {
            try self.init(json: json, file: file)
            return
        }
        guard let catalog else { throw .uiFormatNeedsCatalog(file: file) }
        do { self = try UIWorkflowConverter(catalog: catalog).convert(json) } catch { throw .conversion(file: file, error) }
    }

    /// Reads a graph in either format from JSON bytes (see `init(json:catalog:file:)`).
    public init<C: Collection>(data: C, catalog: NodeCatalog?, file: String? = nil) throws(WorkflowLoadError) where C.Element == UInt8 {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw .invalidJSON(file: file, error) }
        try self.init(json: json, catalog: catalog, file: file)
    }
}

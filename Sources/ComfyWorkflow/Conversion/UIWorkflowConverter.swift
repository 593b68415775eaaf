/// Converts a frontend UI export (`nodes`/`links`) into an API-format `Workflow`, as the frontend's "Export (API)" does.
///
/// Widget values are matched to input names in the catalogue's order, skipping the extra
/// "control after generate" value that follows seed widgets; links are resolved through Reroute
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
            var i = 0
            for input in widgetInputs {
                guard i < values.count else {
                    if let fallback = input.defaultValue { result[input.name] = fallback }
                    continue
                }
                let value = values[i]
                i += 1
                guard Self.fits(value, input.type) else {
                    throw .widgetMismatch(nodeID: node.id, type: node.type,
                                          reason: "widget value \(value.serializedString()) at position \(i - 1) does not fit input \(input.name) (\(input.type.name)); the export was made with a different version of this node")
                }
                result[input.name] = value
                if input.hasControlAfterGenerateWidget, i < values.count, let s = values[i].stringValue, Self.controlValues.contains(s) {
                    i += 1
                }
            }
        case nil, .null?:
            for input in widgetInputs { if let fallback = input.defaultValue { result[input.name] = fallback } }
        default:
            throw .widgetMismatch(nodeID: node.id, type: node.type, reason: "widgets_values is neither a list nor an object")
        }
        return result
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

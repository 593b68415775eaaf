/// The parts of a frontend UI export (LiteGraph JSON) the converter reads: nodes and links by id.
struct UIGraph {
    struct Slot {
        let name: String
        let type: String
        let link: Int?
    }

    struct UINode {
        let id: String
        let type: String
        let mode: Int
        let order: Int
        let title: String?
        let inputs: [Slot]
        let outputTypes: [String]
        let widgetValues: JSONValue?
    }

    struct Link {
        let originID: String
        let originSlot: Int
    }

    var nodes: [UINode] = []
    var nodesByID: [String: UINode] = [:]
    var links: [Int: Link] = [:]
    var subgraphIDs: Set<String> = []

    static func idString(_ value: JSONValue?) -> String? {
        switch value {
        case .number(let n): n.isInteger ? n.text : nil
        case .string(let s): s
        default: nil
        }
    }

    init(json: JSONValue) throws(UIConversionError) {
        guard let nodeValues = json["nodes"]?.arrayValue else {
            throw .malformed(path: "$.nodes", reason: "expected an array of nodes")
        }
        for (i, value) in nodeValues.enumerated() {
            guard case .object(let o) = value else { throw .malformed(path: "$.nodes[\(i)]", reason: "expected a node object") }
            guard let id = Self.idString(o["id"]) else { throw .malformed(path: "$.nodes[\(i)].id", reason: "expected a node id") }
            guard let type = o["type"]?.stringValue else { throw .malformed(path: "$.nodes[\(i)].type", reason: "expected a class name") }
            let inputs: [Slot] = (o["inputs"]?.arrayValue ?? []).compactMap { slot in
                guard let name = slot["name"]?.stringValue else { return nil }
                return Slot(name: name, type: Self.typeString(slot["type"]), link: slot["link"]?.intValue)
            }
            let outputs = (o["outputs"]?.arrayValue ?? []).map { Self.typeString($0["type"]) }
            let node = UINode(id: id, type: type, mode: o["mode"]?.intValue ?? 0, order: o["order"]?.intValue ?? i,
                              title: o["title"]?.stringValue, inputs: inputs, outputTypes: outputs,
                              widgetValues: o["widgets_values"])
            guard nodesByID[id] == nil else { throw .malformed(path: "$.nodes[\(i)].id", reason: "node id \(id) appears twice") }
            nodes.append(node)
            nodesByID[id] = node
        }
        for (i, value) in (json["links"]?.arrayValue ?? []).enumerated() {
            let id: Int?, origin: String?, slot: Int?
            switch value {
            case .array(let parts):
                id = parts.first?.intValue
                origin = parts.count > 1 ? Self.idString(parts[1]) : nil
                slot = parts.count > 2 ? parts[2].intValue : nil
            case .object(let o):
                id = o["id"]?.intValue
                origin = Self.idString(o["origin_id"])
                slot = o["origin_slot"]?.intValue
            default:
                id = nil; origin = nil; slot = nil
            }
            guard let id, let origin, let slot else {
                throw .malformed(path: "$.links[\(i)]", reason: "expected [id, origin_id, origin_slot, target_id, target_slot, type]")
            }
            links[id] = Link(originID: origin, originSlot: slot)
        }
        for subgraph in json["definitions"]?["subgraphs"]?.arrayValue ?? [] {
            if let id = subgraph["id"]?.stringValue { subgraphIDs.insert(id) }
        }
    }

    static func typeString(_ value: JSONValue?) -> String {
        switch value {
        case .string(let s): s
        case .array: "COMBO"
        default: "*"
        }
    }
}

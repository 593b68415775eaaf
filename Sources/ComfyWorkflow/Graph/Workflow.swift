import Foundation

/// An API-format ComfyUI graph: `{node_id: {class_type, inputs, _meta?}}`, as a value.
///
/// Node order, `_meta` and unknown keys are preserved, and `serialized()` is deterministic, so a
/// graph read and written back unchanged gives the same document. Editing returns new values;
/// a template is never mutated by injection.
///
/// Entry points: `Workflow(contentsOf:catalog:)` reads either format (a UI export is converted with
/// the server's `NodeCatalog`); `validate(against:)` lists every `ValidationProblem`;
/// `injecting(_:catalog:)` applies `WorkflowParameters` (seeds from `PanelSeed.derive(globalSeed:panelID:)`)
/// and reports each input it set.
public struct Workflow: Sendable, Hashable {
    /// The node ids in file order.
    public private(set) var nodeIDs: [String]
    private var storage: [String: Node]

    /// An empty graph.
    public init() {
        nodeIDs = []
        storage = [:]
    }

    /// A graph from nodes in order; a repeated id keeps its first position and last node.
    public init(nodes: [(id: String, node: Node)]) {
        self.init()
        for (id, node) in nodes { self[id] = node }
    }

    /// Reads an API-format graph from a JSON value. `file` only labels errors.
    public init(json: JSONValue, file: String? = nil) throws(WorkflowLoadError) {
        guard case .object(let root) = json else {
            throw .notAGraph(file: file, path: "$", reason: "expected an object of nodes, found \(json.typeName)")
        }
        if WorkflowFormat.detect(json) == .ui { throw .uiFormatNeedsCatalog(file: file) }
        self.init()
        for (id, value) in root {
            guard case .object(var fields) = value else {
                throw .notAGraph(file: file, path: "$[\"\(id)\"]", reason: "expected a node object, found \(value.typeName)")
            }
            guard let classValue = fields.removeValue(forKey: "class_type") else {
                throw .notAGraph(file: file, path: "$[\"\(id)\"]", reason: "node has no class_type")
            }
            guard case .string(let classType) = classValue else {
                throw .notAGraph(file: file, path: "$[\"\(id)\"].class_type", reason: "expected a string, found \(classValue.typeName)")
            }
            var inputs = JSONObject()
            if let inputValue = fields.removeValue(forKey: "inputs") {
                guard case .object(let o) = inputValue else {
                    throw .notAGraph(file: file, path: "$[\"\(id)\"].inputs", reason: "expected an object, found \(inputValue.typeName)")
                }
                inputs = o
            }
            var node = Node(classType: classType, inputs: inputs, extra: fields)
            if case .object(let original) = value { node.fieldOrder = original.keys }
            storage[id] = node
            nodeIDs.append(id)
        }
    }

    /// Reads an API-format graph from JSON bytes. `file` only labels errors.
    public init<C: Collection>(data: C, file: String? = nil) throws(WorkflowLoadError) where C.Element == UInt8 {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw .invalidJSON(file: file, error) }
        try self.init(json: json, file: file)
    }

    /// Reads an API-format graph from a file.
    public init(contentsOf url: URL) throws(WorkflowLoadError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(data: data, file: url.path)
    }

    /// Reads a graph in either format from a file, converting a UI export with `catalog` (see `init(json:catalog:file:)`).
    public init(contentsOf url: URL, catalog: NodeCatalog?) throws(WorkflowLoadError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        try self.init(data: data, catalog: catalog, file: url.path)
    }

    /// The number of nodes.
    public var count: Int { nodeIDs.count }

    /// The node with id `id`; setting nil removes it, setting a new id appends it.
    public subscript(id: String) -> Node? {
        get { storage[id] }
        set {
            if let newValue {
                if storage[id] == nil { nodeIDs.append(id) }
                storage[id] = newValue
            } else if storage.removeValue(forKey: id) != nil {
                nodeIDs.removeAll { $0 == id }
            }
        }
    }

    /// The nodes in file order.
    public var nodes: [(id: String, node: Node)] { nodeIDs.map { ($0, storage[$0]!) } }

    /// The graph as the JSON value ComfyUI's `POST /prompt` takes in `prompt`.
    public var json: JSONValue {
        var root = JSONObject()
        for id in nodeIDs { root[id] = storage[id]!.json }
        return .object(root)
    }

    /// The graph as bytes; the same graph always gives the same bytes, and a graph read from a file and
    /// written with the options the file was written with gives the file's bytes back.
    public func serialized(_ options: JSONWriteOptions = .pretty) -> [UInt8] { json.serialized(options) }

    /// Two graphs are equal when they hold the same nodes in the same order.
    public static func == (lhs: Workflow, rhs: Workflow) -> Bool {
        lhs.nodeIDs == rhs.nodeIDs && lhs.storage == rhs.storage
    }

    /// Hashes the nodes in order.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(nodeIDs)
        for id in nodeIDs { hasher.combine(storage[id]) }
    }
}

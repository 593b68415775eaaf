/// The node classes a server offers, decoded from `GET /object_info`: what validation and UI conversion check against.
///
/// Decoding is fast and lenient (a stock reply has about 550 classes): unknown keys are ignored,
/// seed bounds beyond `Int64` are exact, V3 `display_name: null` falls back to the class name, and
/// a class whose info is not an object is skipped and listed in `skippedClasses`.
public struct NodeCatalog: Sendable, Hashable {
    /// The class names in the order the server listed them.
    public private(set) var classNames: [String] = []
    private var definitions: [String: NodeDefinition] = [:]
    /// Classes left out because their info was not an object.
    public private(set) var skippedClasses: [String] = []

    /// An empty catalogue.
    public init() {}

    /// A catalogue of the given definitions, in order; a repeated name keeps the last definition.
    public init(_ definitions: [NodeDefinition]) {
        for definition in definitions { insert(definition) }
    }

    /// Reads a `/object_info` (or `/object_info/{class}`) reply.
    public init(objectInfo: JSONValue) throws(CatalogDecodeError) {
        guard case .object(let root) = objectInfo else { throw .notAnObject(path: "$", found: objectInfo.typeName) }
        for (name, info) in root {
            do { insert(try NodeDefinition(name: name, info: info)) } catch { skippedClasses.append(name) }
        }
    }

    /// Reads a `/object_info` reply from JSON bytes.
    public init<C: Collection>(data: C) throws(CatalogDecodeError) where C.Element == UInt8 {
        let json: JSONValue
        do { json = try JSONValue.parse(data) } catch { throw .invalidJSON(error) }
        try self.init(objectInfo: json)
    }

    /// The number of classes.
    public var count: Int { classNames.count }

    /// The definition of `classType`, if the server has it.
    public subscript(classType: String) -> NodeDefinition? { definitions[classType] }

    /// True when the server has `classType`.
    public func contains(_ classType: String) -> Bool { definitions[classType] != nil }

    /// All definitions in server order.
    public var allDefinitions: [NodeDefinition] { classNames.map { definitions[$0]! } }

    /// Adds or replaces a definition (a new class goes last).
    public mutating func insert(_ definition: NodeDefinition) {
        if definitions[definition.name] == nil { classNames.append(definition.name) }
        definitions[definition.name] = definition
    }

    /// This catalogue with every class of `other` added (replacing same-named ones).
    public func merging(_ other: NodeCatalog) -> NodeCatalog {
        var copy = self
        for definition in other.allDefinitions { copy.insert(definition) }
        return copy
    }
}

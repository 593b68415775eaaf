/// Why an `/object_info` reply could not be read as a node catalogue.
public enum CatalogDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The bytes are not valid JSON.
    case invalidJSON(JSONParseError)
    /// A value that must be an object is something else; `path` is its JSON path.
    case notAnObject(path: String, found: String)

    /// One line saying what is wrong and where.
    public var description: String {
        switch self {
        case .invalidJSON(let e): "/object_info: invalid JSON: \(e)"
        case .notAnObject(let path, let found): "/object_info: \(path): expected an object, found \(found)"
        }
    }
}

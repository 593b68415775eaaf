/// The two JSON shapes ComfyUI saves a graph in.
public enum WorkflowFormat: String, Sendable, Hashable, CustomStringConvertible {
    /// The API format `POST /prompt` takes: `{node_id: {class_type, inputs}}`.
    case api
    /// The frontend's UI export: `{nodes: [...], links: [...], ...}` (LiteGraph), with widget values by position.
    case ui
    /// Neither shape.
    case unknown

    /// Tells which shape `json` has, without validating it further.
    ///
    /// A document with a `nodes` array is a UI export; an object whose values are objects holding a
    /// `class_type` key (or an empty object) is the API format.
    public static func detect(_ json: JSONValue) -> WorkflowFormat {
        guard case .object(let root) = json else { return .unknown }
        if case .array = root["nodes"], root["links"] != nil || root["version"] != nil || root["last_node_id"] != nil || root["definitions"] != nil {
            return .ui
        }
        if case .array = root["nodes"], root["class_type"] == nil, !root.values.contains(where: { $0["class_type"] != nil }) {
            return .ui
        }
        let looksLikeNodes = root.values.allSatisfy { value in
            if case .object(let o) = value { return o.contains("class_type") }
            return false
        }
        return looksLikeNodes ? .api : .unknown
    }

    /// The format's name, `api`, `ui` or `unknown`.
    public var description: String { rawValue }
}

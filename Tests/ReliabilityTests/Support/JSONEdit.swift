import ComfyWorkflow

extension JSONValue {
    /// This value with the member at `path` (object keys, or decimal indices into arrays) set to `value`;
    /// nil removes it. Missing objects on the way are created.
    func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .array(var array):
            guard let index = Int(key), array.indices.contains(index) else { return self }
            if rest.isEmpty {
                if let value { array[index] = value } else { array.remove(at: index) }
            } else {
                array[index] = array[index].setting(rest, to: value)
            }
            return .array(array)
        case .object(var object):
            object[key] = rest.isEmpty ? value : (object[key] ?? .object(JSONObject())).setting(rest, to: value)
            return .object(object)
        default:
            return JSONValue.object(JSONObject()).setting(path, to: value)
        }
    }
}

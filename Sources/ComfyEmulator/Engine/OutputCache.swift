import ComfyWorkflow

/// A node result kept between prompts: its outputs and, for output nodes, its UI record.
struct CacheEntry: Sendable {
    /// The outputs, one per slot.
    let outputs: [SimValue]
    /// `{"meta": ..., "output": ...}` for nodes that produced UI output, else nil.
    let ui: JSONValue?
}

/// ComfyUI's classic output cache: results keyed by an input signature that covers the node's class,
/// its literal inputs and, recursively, everything upstream (the node id is not part of it). At the
/// start of each prompt every entry whose signature the new prompt does not use is dropped, so the
/// cache holds essentially the previous prompt.
struct OutputCache {
    private var entries: [String: CacheEntry] = [:]
    private var current: [String: String] = [:]

    /// Computes the signatures of `prompt`'s nodes and evicts entries it does not use.
    /// `changeToken` gives the `IS_CHANGED` value of a node (for example a file hash), or nil.
    mutating func begin(prompt: JSONObject, changeToken: (String, JSONObject) -> String?) {
        current = [:]
        var visiting: Set<String> = []
        func signature(_ id: String) -> String {
            if let done = current[id] { return done }
            guard let node = prompt[id]?.objectValue else { return "missing:\(id)" }
            if visiting.contains(id) { return "cycle:\(id)" }
            visiting.insert(id)
            defer { visiting.remove(id) }
            let classType = node["class_type"].map(PythonText.str) ?? ""
            let inputs = node["inputs"]?.objectValue ?? JSONObject()
            var parts = [classType, changeToken(classType, inputs) ?? ""]
            for key in inputs.keys.sorted() {
                let value = inputs[key]!
                if case .array(let link) = value, link.count == 2, case .string(let from) = link[0], prompt[from] != nil {
                    parts.append("\(key)=<\(signature(from))>[\(link[1].serializedString())]")
                } else {
                    parts.append("\(key)=\(value.serializedString())")
                }
            }
            let sig = parts.joined(separator: "\u{1F}")
            current[id] = sig
            return sig
        }
        for id in prompt.keys { _ = signature(id) }
        let used = Set(current.values)
        entries = entries.filter { used.contains($0.key) }
    }

    /// The cached result of node `id` of the current prompt.
    func get(_ id: String) -> CacheEntry? { current[id].flatMap { entries[$0] } }

    /// Stores node `id`'s result.
    mutating func set(_ id: String, _ entry: CacheEntry) {
        if let sig = current[id] { entries[sig] = entry }
    }

    /// Drops everything (`/free` with `free_memory`, restarts).
    mutating func clear() { entries = [:] }
}

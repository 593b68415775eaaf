import ComfyWorkflow

/// The order in which a prompt's nodes run, reproducing ComfyUI's `ExecutionList`.
///
/// Nodes are staged with the same stack-based walk, and the next node is picked with the same
/// "user-friendly" rule (an output node first, then a node feeding an output, then one feeding such
/// a node, else the first ready node), so messages come in the order a real server sends them.
struct ExecutionList {
    private let prompt: JSONObject
    private let isOutput: (String) -> Bool
    private let isCached: (String) -> Bool
    private(set) var pending: [String] = []
    private var pendingSet: Set<String> = []
    private var blockCount: [String: Int] = [:]
    private var blocking: [String: [String]] = [:]

    init(prompt: JSONObject, isOutput: @escaping (String) -> Bool, isCached: @escaping (String) -> Bool) {
        self.prompt = prompt
        self.isOutput = isOutput
        self.isCached = isCached
    }

    var isEmpty: Bool { pending.isEmpty }

    /// Adds `id` and every uncached node it depends on.
    mutating func addNode(_ id: String) {
        var stack = [id]
        var links: [(from: String, to: String)] = []
        while let current = stack.popLast() {
            if pendingSet.contains(current) { continue }
            pendingSet.insert(current)
            pending.append(current)
            blockCount[current] = 0
            blocking[current] = []
            guard let inputs = prompt[current]?["inputs"]?.objectValue else { continue }
            for (_, value) in inputs {
                guard case .array(let link) = value, link.count == 2, case .string(let from) = link[0], prompt[from] != nil else { continue }
                if !isCached(from) { stack.append(from) }
                links.append((from, current))
            }
        }
        for link in links where !isCached(link.from) {
            addNode(link.from)
            if !(blocking[link.from] ?? []).contains(link.to) {
                blocking[link.from, default: []].append(link.to)
                blockCount[link.to, default: 0] += 1
            }
        }
    }

    /// The next node to run, or nil when the remaining nodes wait on each other (a cycle).
    func next() -> String? {
        let ready = pending.filter { blockCount[$0] == 0 }
        guard !ready.isEmpty else { return nil }
        if let out = ready.first(where: isOutput) { return out }
        if let feeder = ready.first(where: { (blocking[$0] ?? []).contains(where: isOutput) }) { return feeder }
        if let second = ready.first(where: { (blocking[$0] ?? []).contains { (blocking[$0] ?? []).contains(where: isOutput) } }) {
            return second
        }
        return ready[0]
    }

    /// Marks `id` as done, unblocking the nodes that waited on it.
    mutating func complete(_ id: String) {
        pending.removeAll { $0 == id }
        pendingSet.remove(id)
        for blocked in blocking[id] ?? [] { blockCount[blocked, default: 1] -= 1 }
        blocking[id] = nil
    }
}

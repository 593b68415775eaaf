import ComfyWorkflow

/// One queued prompt: the tuple ComfyUI keeps on its heap (without the sensitive sixth element).
struct QueueItem: Sendable {
    /// Priority: an int from the server counter, or a float the client chose.
    let number: JSONNumber
    let promptID: String
    /// The validated (coerced) graph.
    let prompt: JSONObject
    /// `extra_data` with `client_id` and `create_time`.
    let extraData: JSONObject
    /// The output node ids to run.
    let outputs: [String]

    /// `[number, prompt_id, prompt, extra_data, outputs_to_execute]`.
    var json: JSONValue {
        [.number(number), .string(promptID), .object(prompt), .object(extraData), .array(outputs.map { .string($0) })]
    }

    /// Tuple order: number, then prompt id.
    static func < (a: QueueItem, b: QueueItem) -> Bool {
        let c = PythonText.compare(a.number, b.number)
        return c != 0 ? c < 0 : a.promptID < b.promptID
    }
}

/// The pending prompts as a binary min-heap with Python `heapq`'s exact algorithms, so `/queue`'s
/// `queue_pending` lists items in the same (heap) order a real server does.
struct PromptHeap {
    private(set) var items: [QueueItem] = []

    var count: Int { items.count }
    var isEmpty: Bool { items.isEmpty }

    mutating func push(_ item: QueueItem) {
        items.append(item)
        siftDown(0, items.count - 1)
    }

    mutating func pop() -> QueueItem? {
        guard let last = items.popLast() else { return nil }
        guard !items.isEmpty else { return last }
        let top = items[0]
        items[0] = last
        siftUp(0)
        return top
    }

    /// Removes the first item (in heap order) whose id is `promptID`; returns whether one was found
    /// and how many items the heap held before.
    mutating func remove(promptID: String) -> (removed: Bool, countBefore: Int) {
        let before = items.count
        guard let i = items.firstIndex(where: { $0.promptID == promptID }) else { return (false, before) }
        items.remove(at: i)
        heapify()
        return (true, before)
    }

    mutating func removeAll() { items = [] }

    private mutating func heapify() {
        for i in stride(from: items.count / 2 - 1, through: 0, by: -1) { siftUp(i) }
    }

    private mutating func siftDown(_ start: Int, _ position: Int) {
        var pos = position
        let newItem = items[pos]
        while pos > start {
            let parent = (pos - 1) >> 1
            if newItem < items[parent] {
                items[pos] = items[parent]
                pos = parent
                continue
            }
            break
        }
        items[pos] = newItem
    }

    private mutating func siftUp(_ position: Int) {
        var pos = position
        let end = items.count, start = pos
        let newItem = items[pos]
        var child = 2 * pos + 1
        while child < end {
            let right = child + 1
            if right < end, !(items[child] < items[right]) { child = right }
            items[pos] = items[child]
            pos = child
            child = 2 * pos + 1
        }
        items[pos] = newItem
        siftDown(start, pos)
    }
}

/// Completed prompts in completion order; a repeated prompt id keeps its old position, as a Python
/// dict assignment does. Holds at most 10000 entries, dropping the oldest.
struct PromptHistory {
    private var entries = JSONObject()

    var count: Int { entries.count }

    mutating func record(_ promptID: String, _ entry: JSONValue) {
        if entries.count > 10_000, let oldest = entries.keys.first { entries.removeValue(forKey: oldest) }
        entries[promptID] = entry
    }

    func entry(_ promptID: String) -> JSONValue? { entries[promptID] }

    /// `GET /history` with `max_items` and `offset` (default -1) applied exactly as the real server does.
    func window(maxItems: Int?, offset: Int) -> JSONObject {
        var start = offset
        if start < 0, let maxItems { start = entries.count - maxItems }
        var out = JSONObject()
        for (i, key) in entries.keys.enumerated() where i >= start {
            out[key] = entries[key]
            if let maxItems, out.count >= maxItems { break }
        }
        return out
    }

    mutating func delete(_ promptID: String) { entries.removeValue(forKey: promptID) }
    mutating func clear() { entries = JSONObject() }
}

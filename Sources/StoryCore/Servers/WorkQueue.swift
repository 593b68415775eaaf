/// The dispatcher's queue of panels waiting for a server: taking the first item is O(1), so a run of
/// 20,000 panels does not move the whole queue once per panel (an `Array.removeFirst()` per dispatch
/// made dispatching quadratic in the panel count).
///
/// Items are taken from the front; a panel put back after a server failed goes to the front again.
struct WorkQueue: Sequence, Sendable {
    private var storage: [WorkItem]
    private var head = 0

    /// A queue of `items`, first item first.
    init(_ items: [WorkItem] = []) {
        storage = items
    }

    /// True when no item waits.
    var isEmpty: Bool { head == storage.count }

    /// Items waiting.
    var count: Int { storage.count - head }

    /// The next item, if any.
    var first: WorkItem? { isEmpty ? nil : storage[head] }

    /// Takes the next item (the queue must not be empty).
    mutating func removeFirst() -> WorkItem {
        precondition(!isEmpty, "WorkQueue.removeFirst on an empty queue")
        let item = storage[head]
        head += 1
        if head >= 1024, head * 2 >= storage.count {
            storage.removeFirst(head)
            head = 0
        }
        return item
    }

    /// Puts `item` at `index`: 0 (the front, for a panel going back) is O(1) while taken slots remain.
    mutating func insert(_ item: WorkItem, at index: Int) {
        if index == 0, head > 0 {
            head -= 1
            storage[head] = item
        } else {
            storage.insert(item, at: head + index)
        }
    }

    /// Adds `items` at the back.
    static func += (queue: inout WorkQueue, items: [WorkItem]) {
        queue.storage += items
    }

    /// Drops every item.
    mutating func removeAll() {
        storage.removeAll()
        head = 0
    }

    /// The waiting items, first to last.
    func makeIterator() -> ArraySlice<WorkItem>.Iterator {
        storage[head...].makeIterator()
    }
}

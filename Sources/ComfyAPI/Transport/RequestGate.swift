/// Admits at most `limit` HTTP requests of one client at once, first come first served.
///
/// AsyncHTTPClient bounds its wait for a pooled connection by the connect timeout, so a burst of
/// requests larger than the pool (two hundred prompts reconciling after a reconnect, say) failed with
/// `getConnectionFromPoolTimeout` on a loaded machine although the server was fine. Requests now wait
/// here, with no deadline, and their own timeout starts once they are admitted. Waiting honours
/// cancellation.
actor RequestGate {
    private let limit: Int
    private var active = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, Never>)] = []
    private var nextID: UInt64 = 0

    init(limit: Int) {
        self.limit = max(1, limit)
    }

    /// Waits for a slot; false when the calling task was cancelled first (no slot is then held).
    func enter() async -> Bool {
        if active < limit {
            active += 1
            return true
        }
        nextID += 1
        let id = nextID
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                if Task.isCancelled {
                    continuation.resume(returning: false)
                } else {
                    waiters.append((id, continuation))
                }
            }
        } onCancel: {
            Task { await self.cancel(id) }
        }
    }

    /// Gives the slot back, to the longest waiter if there is one.
    func leave() {
        if waiters.isEmpty {
            active = max(0, active - 1)
        } else {
            waiters.removeFirst().continuation.resume(returning: true)
        }
    }

    private func cancel(_ id: UInt64) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(returning: false)
    }
}

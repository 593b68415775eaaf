/// What a prompt's subscriber receives: its events, and requests to re-check the prompt with the server.
enum PromptSignal: Sendable {
    /// Why a subscriber should look the prompt up in `/queue` and `/history`.
    enum Reason: Sendable {
        /// The socket reconnected (events may have been lost), or the caller asked to adopt a prompt by id.
        case reconnected
        /// The prompt sent nothing for the stall timeout.
        case stallCheck
    }
    /// An event addressed to the prompt.
    case event(ServerEvent)
    /// A request to reconcile.
    case reconcile(Reason)
}

/// Fans events out per prompt id, so each awaited prompt sees only its own events, in order.
///
/// Events that carry no prompt id (reconnect-form `executing`, legacy previews, text frames) are given to the
/// prompt of this client that is running, since the server runs one prompt at a time.
actor EventRouter {
    private struct Subscriber {
        let token: UInt64
        let continuation: AsyncStream<PromptSignal>.Continuation
    }

    private var subscribers: [String: [Subscriber]] = [:]
    private var lastActivity: [String: ContinuousClock.Instant] = [:]
    private var listeners: [UInt64: AsyncStream<ServerEvent>.Continuation] = [:]
    private var nextToken: UInt64 = 0
    private var runningPromptID: String?
    private var closed = false
    /// Prompts this client submitted that have not finished executing, in the order they were subscribed.
    private var unfinished: [String] = []

    /// Number of prompts with at least one subscriber.
    var subscribedPromptCount: Int { subscribers.count }

    /// Subscribes to `promptID`; events routed after this call are buffered until read. With `submitting`,
    /// the prompt counts as this client's until it finishes executing (see `promptsAhead(of:)`).
    func subscribe(_ promptID: String, submitting: Bool = false) -> (token: UInt64, stream: AsyncStream<PromptSignal>) {
        if submitting, !closed, !unfinished.contains(promptID) { unfinished.append(promptID) }
        let (stream, continuation) = AsyncStream.makeStream(of: PromptSignal.self, bufferingPolicy: .unbounded)
        nextToken += 1
        if closed {
            continuation.finish()
        } else {
            subscribers[promptID, default: []].append(Subscriber(token: nextToken, continuation: continuation))
            lastActivity[promptID] = .now
        }
        return (nextToken, stream)
    }

    /// Ends one subscription.
    func unsubscribe(_ promptID: String, token: UInt64) {
        guard var list = subscribers[promptID] else { return }
        list.removeAll { subscriber in
            if subscriber.token == token { subscriber.continuation.finish(); return true }
            return false
        }
        if list.isEmpty {
            subscribers[promptID] = nil
            lastActivity[promptID] = nil
            finished(promptID)
        } else {
            subscribers[promptID] = list
        }
    }

    /// A stream of every event this client's socket receives, until the client shuts down.
    func listen() -> AsyncStream<ServerEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ServerEvent.self, bufferingPolicy: .bufferingNewest(4096))
        nextToken += 1
        if closed { continuation.finish() } else { listeners[nextToken] = continuation }
        return stream
    }

    /// How many prompts this client submitted before `promptID` are still queued or running on the
    /// server (0 when it is the next to run, or already ran); nil for a prompt it did not submit.
    /// Prompts of other clients are not counted: the server tells those only through `GET /queue`.
    func promptsAhead(of promptID: String) -> Int? {
        unfinished.firstIndex(of: promptID)
    }

    private func finished(_ promptID: String) {
        if let index = unfinished.firstIndex(of: promptID) { unfinished.remove(at: index) }
    }

    /// Delivers one event to the global listeners and to the subscribers of the prompt it belongs to.
    func route(_ event: ServerEvent) {
        if !listeners.isEmpty {
            for (token, listener) in listeners {
                if case .terminated = listener.yield(event) { listeners[token] = nil }
            }
        }
        var target = event.promptID
        switch event {
        case .executionStart(let id, _):
            runningPromptID = id
        case .executing(let node, _, let id):
            if let id {
                if node == nil {
                    if runningPromptID == id { runningPromptID = nil }
                    finished(id)
                } else {
                    runningPromptID = id
                }
            } else {
                target = runningPromptID
            }
        case .executionError(let failure) where !failure.isExecutionBlocked:
            if runningPromptID == failure.promptID { runningPromptID = nil }
            finished(failure.promptID)
        case .executionInterrupted(let id, _, _, _):
            if runningPromptID == id { runningPromptID = nil }
            finished(id)
        case .executionSuccess(let id, _):
            finished(id)
        case .preview(let preview) where preview.promptID == nil:
            target = runningPromptID
        case .progress(let update) where update.promptID == nil:
            target = runningPromptID
        case .progressText:
            target = runningPromptID
        default:
            break
        }
        guard let target, subscribers[target] != nil else { return }
        lastActivity[target] = .now
        deliver(.event(event), to: target)
    }

    /// Asks every subscriber to reconcile (after a reconnect).
    func reconcileAll() {
        for promptID in Array(subscribers.keys) { deliver(.reconcile(.reconnected), to: promptID) }
    }

    /// Asks the subscribers of `promptID` to reconcile now.
    func reconcile(_ promptID: String) {
        deliver(.reconcile(.reconnected), to: promptID)
    }

    /// Sends a stall check to every prompt silent for longer than `timeout`, and restarts its clock.
    func checkIdle(timeout: Duration) {
        let now = ContinuousClock.now
        for (promptID, last) in lastActivity where now - last >= timeout {
            lastActivity[promptID] = now
            deliver(.reconcile(.stallCheck), to: promptID)
        }
    }

    /// Restarts the stall clock of `promptID` (it is known to be waiting in the queue).
    func touch(_ promptID: String) {
        if subscribers[promptID] != nil { lastActivity[promptID] = .now }
    }

    /// Ends every stream; later subscriptions end at once.
    func close() {
        closed = true
        for list in subscribers.values { for s in list { s.continuation.finish() } }
        for listener in listeners.values { listener.finish() }
        subscribers = [:]
        lastActivity = [:]
        listeners = [:]
        unfinished = []
    }

    private func deliver(_ signal: PromptSignal, to promptID: String) {
        guard let list = subscribers[promptID] else { return }
        var alive = list
        var pruned = false
        for subscriber in list {
            if case .terminated = subscriber.continuation.yield(signal) {
                alive.removeAll { $0.token == subscriber.token }
                pruned = true
            }
        }
        if pruned {
            if alive.isEmpty {
                subscribers[promptID] = nil
                lastActivity[promptID] = nil
            } else {
                subscribers[promptID] = alive
            }
        }
    }
}

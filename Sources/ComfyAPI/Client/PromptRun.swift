import ComfyWorkflow

/// One element of a prompt's event stream.
public enum PromptEvent: Sendable, Hashable {
    /// A server event belonging to this prompt (progress, executing, executed, previews, …).
    case server(ServerEvent)
    /// The prompt finished successfully; always the last element.
    case completed(PromptResult)
}

/// The events of one submitted prompt, ending in `.completed(PromptResult)` or a thrown `ComfyError`.
///
/// Iterate it once (it is a single-consumer sequence); `result()` drains it for callers that only want the
/// outcome. The stream delivers the result exactly once even across socket drops: after a reconnect it
/// reconciles through `/queue` and `/history`, finishing from history if the prompt completed meanwhile, or
/// throwing `ComfyError.promptLost` if the server forgot it. Execution errors throw `.execution` or
/// `.outOfMemory`, interrupts `.interrupted`, and a running prompt silent for the stall timeout `.stalled`.
/// Cancelling the iterating task ends the wait at once with `.cancelled` (the prompt keeps running on the
/// server; interrupt it if it is no longer wanted).
public struct PromptRun: AsyncSequence, Sendable {
    /// The stream's element.
    public typealias Element = PromptEvent

    /// The prompt id.
    public let promptID: String
    /// The queue number the server assigned, when known.
    public let number: Double?
    /// Output nodes the server dropped for failing validation while queueing the rest (HTTP 200 with `node_errors`).
    public let droppedNodeErrors: [NodeValidationError]

    let stream: AsyncStream<PromptSignal>
    let token: UInt64
    let client: ComfyClient

    init(receipt: SubmitReceipt, stream: AsyncStream<PromptSignal>, token: UInt64, client: ComfyClient) {
        promptID = receipt.promptID
        number = receipt.number
        droppedNodeErrors = receipt.droppedNodeErrors
        self.stream = stream
        self.token = token
        self.client = client
    }

    /// Creates the iterator; create only one per run.
    public func makeAsyncIterator() -> Iterator {
        Iterator(promptID: promptID, base: stream.makeAsyncIterator(), token: token, client: client)
    }

    /// Waits for the end of the prompt and returns its result, skipping intermediate events.
    public func result() async throws(ComfyError) -> PromptResult {
        var iterator = makeAsyncIterator()
        while let event = try await iterator.next() {
            if case .completed(let result) = event { return result }
        }
        throw ComfyError.shutDown
    }

    /// Walks the prompt's signals: passes its events on, finishes on the final `executing` or an error, and
    /// reconciles with the server when asked to (after a reconnect or a silence).
    public struct Iterator: AsyncIteratorProtocol {
        let promptID: String
        var base: AsyncStream<PromptSignal>.AsyncIterator
        let token: UInt64
        let client: ComfyClient
        var finished = false
        /// The previous stall check found the prompt running (and silent).
        var seenRunning = false

        /// The next event; nil after `.completed` or a thrown error.
        public mutating func next() async throws(ComfyError) -> PromptEvent? {
            guard !finished else { return nil }
            let client = self.client
            let promptID = self.promptID
            while let signal = await base.next() {
                switch signal {
                case .event(let event):
                    switch event {
                    case .executing(nil, _, let id) where id == promptID:
                        let entry = try await finishing { () async throws(ComfyError) -> HistoryEntry? in
                            try await client.history(promptID: promptID)
                        }
                        guard let entry else {
                            // Finished, yet not in history: the server restarted in between and forgot it.
                            try await fail(.promptLost(promptID: promptID, server: client.server))
                        }
                        return try await finish(with: entry)
                    case .executionError(let failure) where !failure.isExecutionBlocked:
                        try await fail(failure.isOutOfMemory ? .outOfMemory(failure) : .execution(failure))
                    case .executionInterrupted(_, let node, let type, _):
                        try await fail(.interrupted(promptID: promptID, nodeID: node, nodeType: type))
                    default:
                        return .server(event)
                    }
                case .reconcile(let reason):
                    let standing = try await finishing { () async throws(ComfyError) -> ComfyClient.PromptStanding in
                        try await client.standing(of: promptID)
                    }
                    switch standing {
                    case .queued(let running):
                        if reason == .stallCheck && running {
                            // Stalled only when it was already running at the previous silent check: the silence
                            // before may have been spent waiting in the queue, and its first events may still be
                            // in flight when /queue already lists it as running.
                            if seenRunning {
                                try await fail(.stalled(promptID: promptID, seconds: client.configuration.stallTimeout.seconds))
                            }
                            seenRunning = true
                        } else if !running {
                            seenRunning = false
                        }
                        await client.router.touch(promptID)
                    case .finished(let entry):
                        return try await finish(with: entry)
                    case .lost:
                        try await fail(.promptLost(promptID: promptID, server: client.server))
                    }
                }
            }
            // The stream ends without a result only when the client shut down or this task was cancelled.
            let cancelled = Task.isCancelled
            await end()
            throw cancelled ? ComfyError.cancelled : ComfyError.shutDown
        }

        /// Runs a server query; on failure ends the stream with that error.
        private mutating func finishing<T>(_ body: () async throws(ComfyError) -> T) async throws(ComfyError) -> T {
            do {
                return try await body()
            } catch {
                try await fail(error)
            }
        }

        private mutating func finish(with entry: HistoryEntry) async throws(ComfyError) -> PromptEvent {
            switch entry.outcome {
            case .success:
                await end()
                return .completed(PromptResult(entry: entry))
            case .failed(let failure):
                try await fail(failure.isOutOfMemory ? .outOfMemory(failure) : .execution(failure))
            case .interrupted(let node, let type):
                try await fail(.interrupted(promptID: promptID, nodeID: node, nodeType: type))
            case .unknown(let status):
                try await fail(.malformedReply(route: "GET /history/\(promptID)", field: "status.status_str", reason: "unknown status \(status)"))
            }
        }

        private mutating func fail(_ error: ComfyError) async throws(ComfyError) -> Never {
            await end()
            throw error
        }

        private mutating func end() async {
            finished = true
            await client.router.unsubscribe(promptID, token: token)
        }
    }
}

import AsyncHTTPClient
import Foundation
import Logging

/// What `ComfyClient.withdraw(promptID:)` found and did.
public enum WithdrawOutcome: String, Sendable, Hashable {
    /// It was waiting in the queue and was removed; it never ran.
    case removedFromQueue = "removed_from_queue"
    /// It was running and was interrupted.
    case interrupted
    /// It had already finished: its result is in the server's history.
    case finished
    /// The server has no trace of it: not queued, not running, not in its history (a restart
    /// forgot it, or its `POST /prompt` has not arrived yet).
    case unknown
}

extension ComfyClient {
    /// Creates a client for `configuration`, runs `body` with it, and shuts the client down
    /// afterwards whether `body` returns, throws or is cancelled.
    ///
    /// The scoped form of `init` + `shutdown()`: a client made here never outlives the call, so
    /// no socket or `HTTPClient` is left open by an early exit.
    public static func withClient<T: Sendable>(
        configuration: Configuration,
        httpClient: HTTPClient? = nil,
        logger: Logger = Logger(label: "ComfyAPI"),
        _ body: (ComfyClient) async throws -> T
    ) async throws -> T {
        let client = try ComfyClient(configuration: configuration, httpClient: httpClient, logger: logger)
        let value: T
        do {
            value = try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
        return value
    }

    /// Takes a prompt back from the server as far as it still can be, and says what it found:
    /// a waiting prompt is deleted from the queue, a running one is interrupted, a finished one is
    /// left alone (its result stays in the history).
    ///
    /// The queue is read again after a deletion, because the prompt may have started between
    /// the two calls; only then is the history asked. Errors of any call are thrown: the caller
    /// decides what an unanswered server means.
    public func withdraw(promptID: String) async throws(ComfyError) -> WithdrawOutcome {
        var queue = try await queue()
        var deleted = false
        if queue.isPending(promptID) {
            try await deleteFromQueue([promptID])
            deleted = true
            queue = try await self.queue()
        }
        if queue.isRunning(promptID) {
            try await interrupt(promptID: promptID)
            return .interrupted
        }
        if try await history(promptID: promptID) != nil { return .finished }
        return deleted ? .removedFromQueue : .unknown
    }
}

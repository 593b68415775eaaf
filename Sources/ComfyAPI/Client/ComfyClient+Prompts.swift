import ComfyWorkflow
import Foundation
import Logging
import NIOHTTP1

extension ComfyClient {
    /// Queues `workflow` under `promptID` and returns its event stream, subscribed *before* the prompt is posted.
    ///
    /// The WebSocket is opened first if needed, so no event of the prompt can be missed. When the reply to the
    /// POST is lost (timeout, dropped connection, 5xx), the client asks the server (`/queue`, `/history`) whether
    /// the prompt arrived before posting again, so a retry never renders twice.
    ///
    /// - Parameters:
    ///   - workflow: the API-format graph.
    ///   - promptID: the id to queue it under (default: a new UUID). Use a fresh id per submission.
    ///   - options: queue position, preview method, partial execution, extra data.
    /// - Returns: the prompt's events, ending in `.completed(PromptResult)` or a thrown `ComfyError`.
    /// - Throws: `ComfyError.validation` for a refused graph (400), transport and status errors.
    public func submit(_ workflow: Workflow, promptID: String = UUID().uuidString.lowercased(),
                       options: SubmitOptions = SubmitOptions()) async throws(ComfyError) -> PromptRun {
        try checkOpen()
        guard !promptID.isEmpty else { throw ComfyError.invalidArgument("prompt id must not be empty") }
        try await connect()
        let subscription = await router.subscribe(promptID, submitting: true)
        do {
            let receipt = try await postPrompt(workflow, promptID: promptID, options: options)
            return PromptRun(receipt: receipt, stream: subscription.stream, token: subscription.token, client: self)
        } catch {
            await router.unsubscribe(promptID, token: subscription.token)
            throw error
        }
    }

    /// Queues `workflow` and returns its events; the same as `submit`, named for `for try await … in client.run(…)`.
    public func run(_ workflow: Workflow, promptID: String = UUID().uuidString.lowercased(),
                    options: SubmitOptions = SubmitOptions()) async throws(ComfyError) -> PromptRun {
        try await submit(workflow, promptID: promptID, options: options)
    }

    /// How many prompts this client submitted before `promptID` are still queued or running (0: it runs
    /// next, or already ran); nil for a prompt it did not submit or that ended. Read from the socket's
    /// events, with no request: prompts of other clients are not counted (`queue()` has the whole queue).
    public func promptsAhead(of promptID: String) async -> Int? {
        await router.promptsAhead(of: promptID)
    }

    /// Adopts a prompt queued earlier (for example before this process restarted) and streams the rest of it.
    ///
    /// The first step of the stream looks the prompt up: finished → `.completed` (or the failure) from history;
    /// queued → waits on the socket; unknown → `ComfyError.promptLost`. Live events arrive only if the prompt was
    /// submitted with this client's `clientID`; otherwise completion is noticed at the next stall check.
    public func awaitPrompt(id promptID: String) async throws(ComfyError) -> PromptRun {
        try checkOpen()
        try await connect()
        let subscription = await router.subscribe(promptID)
        await router.reconcile(promptID)
        let receipt = SubmitReceipt(promptID: promptID, number: nil, droppedNodeErrors: [])
        return PromptRun(receipt: receipt, stream: subscription.stream, token: subscription.token, client: self)
    }

    /// Where a prompt stands on the server.
    enum PromptStanding: Sendable {
        case queued(running: Bool)
        case finished(HistoryEntry)
        case lost
    }

    /// Looks the prompt up in `/queue` first, then `/history` (that order cannot miss a prompt finishing in between).
    func standing(of promptID: String) async throws(ComfyError) -> PromptStanding {
        let queue = try await queue()
        if let item = queue.running.first(where: { $0.promptID == promptID }) {
            return .queued(running: item.clientID == nil || item.clientID == configuration.clientID)
        }
        if queue.isPending(promptID) { return .queued(running: false) }
        if let entry = try await history(promptID: promptID) { return .finished(entry) }
        return .lost
    }

    func postPrompt(_ workflow: Workflow, promptID: String, options: SubmitOptions) async throws(ComfyError) -> SubmitReceipt {
        var extra = options.extraData
        extra["client_id"] = .string(configuration.clientID)
        if let method = options.previewMethod { extra["preview_method"] = .string(method) }
        var body: JSONObject = [
            "prompt": workflow.json,
            "client_id": .string(configuration.clientID),
            "prompt_id": .string(promptID),
            "extra_data": .object(extra),
        ]
        if options.front { body["front"] = true }
        if let targets = options.partialExecutionTargets { body["partial_execution_targets"] = .array(targets.map(JSONValue.string)) }
        let bytes = JSONValue.object(body).serialized()
        let route = "POST /prompt"
        let policy = configuration.retry
        var attempt = 1
        while true {
            let failure: ComfyError
            do throws(ComfyError) {
                let reply = try await transport.send(.POST, "/prompt", body: bytes)
                switch reply.status {
                case 200:
                    return try Self.receipt(from: try transport.json(reply, route: route), promptID: promptID)
                case 400:
                    if let json = try? transport.json(HTTPTransport.Reply(status: 200, body: reply.body), route: route),
                       let validation = ValidationFailure(reply: json) {
                        throw ComfyError.validation(validation)
                    }
                    throw ComfyError.httpStatus(route: route, status: 400, body: String(reply.text.prefix(2000)))
                default:
                    throw ComfyError.httpStatus(route: route, status: reply.status, body: String(reply.text.prefix(2000)))
                }
            } catch {
                failure = error
            }
            guard failure.isTransient, attempt < policy.maxAttempts, !Task.isCancelled else { throw failure }
            logger.debug("submit of \(promptID) failed, checking whether it arrived", metadata: ["error": "\(failure)"])
            try? await Task.sleep(for: policy.delay(afterAttempt: attempt))
            attempt += 1
            switch try await standing(of: promptID) {
            case .queued:
                return SubmitReceipt(promptID: promptID, number: nil, droppedNodeErrors: [])
            case .finished(let entry):
                return SubmitReceipt(promptID: promptID, number: entry.number, droppedNodeErrors: [])
            case .lost:
                continue
            }
        }
    }

    static func receipt(from json: JSONValue, promptID: String) throws(ComfyError) -> SubmitReceipt {
        let route = "POST /prompt"
        guard json.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        guard let id = json["prompt_id"]?.stringValue else {
            throw ComfyError.malformedReply(route: route, field: "prompt_id", reason: "expected a string, got \(json["prompt_id"]?.typeName ?? "nothing")")
        }
        guard id == promptID else {
            throw ComfyError.malformedReply(route: route, field: "prompt_id", reason: "server queued \(id), not the requested \(promptID)")
        }
        if let number = json["number"], number.numberValue == nil {
            throw ComfyError.malformedReply(route: route, field: "number", reason: "expected a number, got \(number.typeName)")
        }
        if let errors = json["node_errors"], errors.objectValue == nil {
            throw ComfyError.malformedReply(route: route, field: "node_errors", reason: "expected an object, got \(errors.typeName)")
        }
        return SubmitReceipt(promptID: id, number: json["number"]?.doubleValue, droppedNodeErrors: NodeValidationError.list(from: json["node_errors"]))
    }
}

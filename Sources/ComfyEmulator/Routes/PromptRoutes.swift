import ComfyWorkflow
import Foundation

extension EmulatorCore {
    /// `POST /prompt`: number assignment, validation and queueing exactly as `server.py` orders them.
    func postPrompt(_ request: RequestInfo) -> Reply {
        guard let body = try? JSONValue.parse(request.body) else { return .internalError }
        let fields: JSONObject
        switch body {
        case .object(let o): fields = o
        case .array, .string: fields = JSONObject()
        default: return .internalError
        }
        let number: JSONNumber
        if let given = fields["number"] {
            guard case .number(let n) = (try? ValueCoercion.float(given)) ?? .null else { return .internalError }
            number = n
        } else {
            let front = fields["front"].map(PythonText.truthy) ?? false
            number = JSONNumber(front ? -counter : counter)
            counter += 1
        }
        guard let promptValue = fields["prompt"] else {
            return .json(["error": ValidationErrors.noPrompt(), "node_errors": [:]], status: 400)
        }
        guard case .object(let prompt) = promptValue else { return .internalError }
        let promptID = fields["prompt_id"].map(PythonText.str) ?? UUID().uuidString.lowercased()
        if let targets = fields["partial_execution_targets"] {
            switch targets {
            case .array, .string, .object, .null: break
            default: return .internalError
            }
        }
        let validator = PromptValidator(catalog: catalog) { [paths] name in EmulatorCore.imageInfo(name, paths: paths) != nil }
        let outcome = validator.validate(prompt, targets: fields["partial_execution_targets"])
        var extra = JSONObject()
        if let given = fields["extra_data"] {
            guard case .object(let o) = given else { return .internalError }
            extra = o
        }
        if let client = fields["client_id"] { extra["client_id"] = client }
        if let error = outcome.error {
            return .json(["error": error, "node_errors": .object(outcome.nodeErrors)], status: 400)
        }
        for key in ["auth_token_comfy_org", "api_key_comfy_org"] { extra.removeValue(forKey: key) }
        extra["create_time"] = .int(Int(Date().timeIntervalSince1970 * 1000))
        if heap.items.contains(where: { $0.promptID == promptID && PythonText.compare($0.number, number) == 0 }) {
            return .internalError
        }
        enqueue(QueueItem(number: number, promptID: promptID, prompt: outcome.prompt, extraData: extra, outputs: outcome.outputs))
        return .json(["prompt_id": .string(promptID), "number": .number(number), "node_errors": .object(outcome.nodeErrors)])
    }

    /// `GET /prompt`.
    func getPrompt() -> Reply {
        .json(["exec_info": ["queue_remaining": .int(queueRemaining)]])
    }

    /// `GET /queue`.
    func getQueue() -> Reply {
        .json(["queue_running": .array(running.map { [$0.json] } ?? []), "queue_pending": .array(heap.items.map(\.json))])
    }

    /// `POST /queue` with `clear` and/or `delete`.
    func postQueue(_ request: RequestInfo) -> Reply {
        guard case .object(let fields)? = try? JSONValue.parse(request.body) else { return .internalError }
        if let clear = fields["clear"], PythonText.truthy(clear) {
            heap.removeAll()
            queueUpdated()
        }
        if let delete = fields["delete"] {
            guard case .array(let ids) = delete else { return .internalError }
            for id in ids {
                let (removed, before) = heap.remove(promptID: PythonText.str(id))
                if removed {
                    if before == 1 { queueUpdated() }
                    queueUpdated()
                }
            }
        }
        return .empty()
    }

    /// `POST /interrupt`: global, or only when `prompt_id` names the running prompt.
    func postInterrupt(_ request: RequestInfo) -> Reply {
        if case .object(let fields)? = try? JSONValue.parse(request.body), let target = fields["prompt_id"], PythonText.truthy(target) {
            if let running, running.promptID == PythonText.str(target) { interruptRequested = true }
        } else if running != nil {
            interruptRequested = true
        }
        return .empty()
    }

    /// `POST /free`: flags applied between prompts (or at once when idle).
    func postFree(_ request: RequestInfo) -> Reply {
        guard case .object(let fields)? = try? JSONValue.parse(request.body) else { return .internalError }
        if fields["unload_models"].map(PythonText.truthy) ?? false { pendingFree.unload = true }
        if fields["free_memory"].map(PythonText.truthy) ?? false { pendingFree.free = true }
        if running == nil { applyPendingFree() }
        return .empty()
    }

    /// `GET /history` and `GET /history/{id}`.
    func getHistory(_ request: RequestInfo, promptID: String?) -> Reply {
        if let promptID {
            guard let entry = history.entry(promptID) else { return .json([:]) }
            return .json([promptID: entry])
        }
        var maxItems: Int?
        var offset = -1
        if let raw = request.query["max_items"] {
            guard let v = Int(raw.trimmingCharacters(in: .whitespaces)) else { return .internalError }
            maxItems = v
        }
        if let raw = request.query["offset"] {
            guard let v = Int(raw.trimmingCharacters(in: .whitespaces)) else { return .internalError }
            offset = v
        }
        return .json(.object(history.window(maxItems: maxItems, offset: offset)))
    }

    /// `POST /history` with `clear` and/or `delete`.
    func postHistory(_ request: RequestInfo) -> Reply {
        guard case .object(let fields)? = try? JSONValue.parse(request.body) else { return .internalError }
        if let clear = fields["clear"], PythonText.truthy(clear) { history.clear() }
        if let delete = fields["delete"] {
            guard case .array(let ids) = delete else { return .internalError }
            for id in ids { history.delete(PythonText.str(id)) }
        }
        return .empty()
    }
}

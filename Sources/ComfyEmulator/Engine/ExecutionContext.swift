import ComfyWorkflow

/// The state of one prompt while it runs: where its messages go, what ran, and the progress registry.
struct ExecutionContext {
    let item: QueueItem
    /// The generation the run started in; a restart bumps it and the run vanishes silently.
    let generation: Int
    /// `client_id` when it was a string (messages go to that socket); nil otherwise.
    let clientID: String?
    /// True when the prompt had any `client_id` (events are sent, history records cached UI).
    let hasClient: Bool
    /// Whether sampler previews are on for this prompt.
    let previews: Bool
    /// Messages stored in the history `status.messages`.
    var messages: [JSONValue] = []
    /// Node ids that ran (not cache hits), in order.
    var executed: [String] = []
    /// Node outputs produced or fetched from the cache in this run.
    var values: [String: [SimValue]] = [:]
    /// `{node_id: {"meta", "output"}}` in completion order.
    var ui = JSONObject()
    /// `progress_state` nodes, in the order they were touched.
    var progress = JSONObject()

    /// Audience of messages addressed to the client only (`execution_*`, `executing`, `executed`).
    var clientAudience: Audience {
        guard hasClient else { return .nobody }
        return clientID.map { .client($0) } ?? .nobody
    }

    /// Audience of messages that fall back to broadcast without a client (`progress`, `progress_state`, previews).
    var progressAudience: Audience {
        guard hasClient else { return .everyone }
        return clientID.map { .client($0) } ?? .nobody
    }

    var promptID: String { item.promptID }

    /// One `progress_state` node record.
    func progressNode(_ id: String, value: JSONValue, max: JSONValue, state: String) -> JSONValue {
        ["value": value, "max": max, "state": .string(state), "node_id": .string(id), "prompt_id": .string(promptID),
         "display_node_id": .string(id), "parent_node_id": .null, "real_node_id": .string(id)]
    }
}

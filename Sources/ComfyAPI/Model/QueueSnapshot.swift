import ComfyWorkflow

/// The server's queue from `GET /queue`: what runs now and what waits, in execution order.
public struct QueueSnapshot: Sendable, Hashable {
    /// The running prompt(s); stock ComfyUI runs at most one.
    public var running: [QueueItem]
    /// Waiting prompts sorted by `number` then id, the order the server will run them.
    public var pending: [QueueItem]

    /// Creates a snapshot; `pending` is sorted into execution order.
    public init(running: [QueueItem], pending: [QueueItem]) {
        self.running = running
        self.pending = pending.sorted { ($0.number, $0.promptID) < ($1.number, $1.promptID) }
    }

    /// True when `promptID` is running or waiting.
    public func contains(_ promptID: String) -> Bool { isRunning(promptID) || isPending(promptID) }
    /// True when `promptID` is running.
    public func isRunning(_ promptID: String) -> Bool { running.contains { $0.promptID == promptID } }
    /// True when `promptID` is waiting.
    public func isPending(_ promptID: String) -> Bool { pending.contains { $0.promptID == promptID } }

    /// Reads a `/queue` reply.
    init(json: JSONValue, route: String) throws(ComfyError) {
        guard json.objectValue != nil else {
            throw ComfyError.malformedReply(route: route, field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        func items(_ key: String) throws(ComfyError) -> [QueueItem] {
            guard let list = json[key] else { return [] }
            guard let array = list.arrayValue else {
                throw ComfyError.malformedReply(route: route, field: key, reason: "expected an array, got \(list.typeName)")
            }
            var out: [QueueItem] = []
            for (i, item) in array.enumerated() {
                guard let number = item[0]?.doubleValue, let id = item[1]?.stringValue else {
                    throw ComfyError.malformedReply(route: route, field: "\(key)[\(i)]", reason: "expected [number, prompt_id, …]")
                }
                out.append(QueueItem(number: number, promptID: id, prompt: item[2] ?? .null, extraData: item[3] ?? .null,
                                     outputsToExecute: item[4]?.arrayValue?.compactMap(\.stringValue) ?? []))
            }
            return out
        }
        self.init(running: try items("queue_running"), pending: try items("queue_pending"))
    }
}

/// One queued prompt: `[number, prompt_id, prompt, extra_data, outputs_to_execute]`.
public struct QueueItem: Sendable, Hashable {
    /// The priority; lower runs first (negative for `front` submissions).
    public var number: Double
    /// The prompt id.
    public var promptID: String
    /// The graph after the server's value coercion.
    public var prompt: JSONValue
    /// `extra_data` (holds `client_id` and `create_time`).
    public var extraData: JSONValue
    /// The output nodes that will run.
    public var outputsToExecute: [String]

    /// The client id that submitted it, when recorded.
    public var clientID: String? { extraData["client_id"]?.stringValue }

    /// Creates a queue item.
    public init(number: Double, promptID: String, prompt: JSONValue, extraData: JSONValue, outputsToExecute: [String]) {
        self.number = number
        self.promptID = promptID
        self.prompt = prompt
        self.extraData = extraData
        self.outputsToExecute = outputsToExecute
    }
}

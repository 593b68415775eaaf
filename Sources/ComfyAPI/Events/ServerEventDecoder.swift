import ComfyWorkflow

/// Turns WebSocket frames into `ServerEvent`s; never throws and never traps on hostile input.
///
/// A text frame that is not a JSON object with a string `type` becomes `.unknown(type: "invalid", …)`;
/// a known type whose required fields are missing or mistyped becomes `.unknown` with its payload, so
/// nothing is silently misread.
public enum ServerEventDecoder {
    /// Limits for one text frame (depth 128, 64 MiB).
    static let limits = JSONLimits(maxDepth: 128, maxBytes: 64 << 20)

    /// Decodes a text frame's UTF-8 bytes.
    public static func decode(text bytes: some Collection<UInt8>) -> ServerEvent {
        guard let message = try? JSONValue.parse(bytes, limits: limits) else {
            return .unknown(type: "invalid", raw: .string("unparseable text frame of \(bytes.count) bytes"))
        }
        return decode(message: message)
    }

    /// Decodes a text frame.
    public static func decode(text: String) -> ServerEvent {
        decode(text: text.utf8)
    }

    /// Decodes a parsed `{"type": …, "data": …}` message.
    public static func decode(message: JSONValue) -> ServerEvent {
        guard let type = message["type"]?.stringValue else {
            return .unknown(type: "invalid", raw: message)
        }
        let data = message["data"] ?? .null
        return decode(type: type, data: data) ?? .unknown(type: type, raw: data)
    }

    private static func decode(type: String, data: JSONValue) -> ServerEvent? {
        switch type {
        case "status":
            guard data.objectValue != nil else { return nil }
            return .status(queueRemaining: data["status"]?["exec_info"]?["queue_remaining"]?.intValue.flatMap { $0 >= 0 ? $0 : nil }, sid: data["sid"]?.stringValue)
        case "execution_start":
            guard let id = data["prompt_id"]?.stringValue else { return nil }
            return .executionStart(promptID: id, timestamp: timestamp(data))
        case "execution_cached":
            guard let id = data["prompt_id"]?.stringValue else { return nil }
            return .executionCached(promptID: id, nodes: strings(data["nodes"]), timestamp: timestamp(data))
        case "executing":
            guard data.objectValue != nil else { return nil }
            let node = data["node"]
            guard node == nil || node!.isNull || node!.stringValue != nil else { return nil }
            return .executing(node: node?.stringValue, displayNode: data["display_node"]?.stringValue, promptID: data["prompt_id"]?.stringValue)
        case "progress":
            guard let value = sane(data["value"]), let max = sane(data["max"]) else { return nil }
            return .progress(ProgressUpdate(promptID: data["prompt_id"]?.stringValue, node: data["node"]?.stringValue, value: value, max: max))
        case "progress_state":
            guard let id = data["prompt_id"]?.stringValue, let nodes = data["nodes"]?.objectValue else { return nil }
            var list: [NodeProgress] = []
            list.reserveCapacity(nodes.count)
            for (key, entry) in nodes {
                guard let value = entry["value"].map(sane) ?? 0, let max = entry["max"].map(sane) ?? 0 else { return nil }
                list.append(NodeProgress(
                    nodeID: entry["node_id"]?.stringValue ?? key,
                    state: entry["state"]?.stringValue ?? "unknown",
                    value: value,
                    max: max,
                    displayNodeID: entry["display_node_id"]?.stringValue))
            }
            return .progressState(promptID: id, nodes: list)
        case "executed":
            guard let id = data["prompt_id"]?.stringValue, let node = data["node"]?.stringValue else { return nil }
            return .executed(node: node, displayNode: data["display_node"]?.stringValue, promptID: id, output: data["output"] ?? .null)
        case "execution_success":
            guard let id = data["prompt_id"]?.stringValue else { return nil }
            return .executionSuccess(promptID: id, timestamp: timestamp(data))
        case "execution_error":
            return ExecutionFailure(json: data).map { .executionError($0) }
        case "execution_interrupted":
            guard let id = data["prompt_id"]?.stringValue else { return nil }
            return .executionInterrupted(promptID: id, nodeID: data["node_id"]?.stringValue, nodeType: data["node_type"]?.stringValue, executed: strings(data["executed"]))
        case "feature_flags":
            guard data.objectValue != nil else { return nil }
            return .featureFlags(data)
        default:
            return nil
        }
    }

    /// Decodes a binary frame: a big-endian u32 event type, then its payload.
    public static func decode(binary bytes: [UInt8]) -> ServerEvent {
        guard bytes.count >= 4 else { return .unknownBinary(eventType: 0, byteCount: bytes.count) }
        let eventType = u32(bytes, at: 0)
        switch eventType {
        case 1 where bytes.count >= 8:
            let code = u32(bytes, at: 4)
            let format: PreviewImage.Format = code == 1 ? .jpeg : code == 2 ? .png : .other
            return .preview(PreviewImage(format: format, data: Array(bytes[8...])))
        case 3 where bytes.count >= 8:
            let length = Int(u32(bytes, at: 4))
            guard length <= bytes.count - 8 else { return .unknownBinary(eventType: eventType, byteCount: bytes.count) }
            let node = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
            let text = String(decoding: bytes[(8 + length)...], as: UTF8.self)
            return .progressText(nodeID: node, text: text)
        case 4 where bytes.count >= 8:
            let length = Int(u32(bytes, at: 4))
            guard length <= bytes.count - 8,
                  let metadata = try? JSONValue.parse(bytes[8..<(8 + length)], limits: JSONLimits(maxDepth: 32, maxBytes: 1 << 20)),
                  metadata.objectValue != nil
            else { return .unknownBinary(eventType: eventType, byteCount: bytes.count) }
            let mime = metadata["image_type"]?.stringValue
            let format = mime.flatMap(PreviewImage.Format.init(rawValue:)) ?? .other
            return .preview(PreviewImage(
                format: format,
                data: Array(bytes[(8 + length)...]),
                promptID: metadata["prompt_id"]?.stringValue,
                nodeID: metadata["node_id"]?.stringValue,
                displayNodeID: metadata["display_node_id"]?.stringValue,
                metadata: metadata))
        default:
            return .unknownBinary(eventType: eventType, byteCount: bytes.count)
        }
    }

    private static func u32(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// A progress number a caller can use safely: finite and within ±1e15 (a hostile `1e999` or `1e20` is refused).
    private static func sane(_ value: JSONValue?) -> Double? {
        guard let number = value?.doubleValue, number.isFinite, abs(number) <= 1e15 else { return nil }
        return number
    }

    private static func timestamp(_ data: JSONValue) -> Int64? {
        guard let n = data["timestamp"]?.numberValue else { return nil }
        return n.int64 ?? Int64(exactly: n.double.rounded())
    }

    private static func strings(_ value: JSONValue?) -> [String] {
        value?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

import ComfyTestSupport
import ComfyWorkflow
import Foundation

/// A recorded real-server scenario from `Tests/Fixtures/transcripts`.
struct Transcript {
    let name: String
    let events: [JSONValue]

    init(_ name: String) throws {
        let url = Repository.fixtures.appendingPathComponent("transcripts/\(name).json")
        let data = try Data(contentsOf: url)
        let root = try JSONValue.parse([UInt8](data))
        self.name = name
        self.events = root["events"]?.arrayValue ?? []
    }

    /// The HTTP events, in order.
    var http: [JSONValue] { events.filter { $0["kind"] == "http" } }

    /// The WebSocket messages one socket received, in order.
    func received(by socket: String) -> [JSONValue] {
        events.filter { $0["kind"] == "ws_recv" && $0["socket"]?.stringValue == socket }.compactMap { $0["message"] }
    }

    /// The message types one socket received, in order (`binary:N` for binary frames of event type N).
    func types(of socket: String) -> [String] {
        received(by: socket).map { m in
            if m["binary"] == .bool(true) { return "binary:\(m["event_type"]?.intValue ?? 0)" }
            return m["type"]?.stringValue ?? "?"
        }
    }
}

/// The structural shape of a JSON value: same keys (in order) and value types, ignoring the values.
enum Shape {
    static func of(_ value: JSONValue) -> String {
        switch value {
        case .null: return "null"
        case .bool: return "bool"
        case .number(let n): return n.isInteger ? "int" : "float"
        case .string: return "str"
        case .array(let items): return "[" + (items.first.map(of) ?? "") + "]"
        case .object(let o): return "{" + o.map { "\($0.key):\(of($0.value))" }.joined(separator: ",") + "}"
        }
    }

    /// Like `of`, but objects whose keys are ids (node ids, prompt ids) are summarised by their value shape.
    static func keyless(_ value: JSONValue, idKeyed: Set<String> = ["nodes", "outputs", "meta", "node_errors", "prompt"]) -> String {
        switch value {
        case .object(let o):
            return "{" + o.map { key, v -> String in
                if idKeyed.contains(key), case .object(let inner) = v {
                    return "\(key):{*:" + (inner.values.first.map { keyless($0, idKeyed: idKeyed) } ?? "") + "}"
                }
                return "\(key):\(keyless(v, idKeyed: idKeyed))"
            }.joined(separator: ",") + "}"
        case .array(let items): return "[" + (items.first.map { keyless($0, idKeyed: idKeyed) } ?? "") + "]"
        default: return of(value)
        }
    }
}

import ComfyWorkflow
import Foundation
import Testing

/// Helpers for replaying transcript requests against an emulator and comparing what comes back.
enum Replay {
    /// The transcript's `POST /prompt` bodies, in order, with `client_id` replaced by `clientID` when present.
    static func promptBodies(_ transcript: Transcript, clientID: String?) -> [JSONValue] {
        transcript.http.compactMap { event -> JSONValue? in
            guard event["request"]?["method"] == "POST", event["request"]?["path"] == "/prompt",
                  var body = event["request"]?["json"] else { return nil }
            if let clientID, body["client_id"] != nil { body = body.with("client_id", .string(clientID)) }
            return body
        }
    }

    /// Message types of `frames` (binary frames as `binary:N`).
    static func types(_ frames: [TestFrame]) -> [String] {
        frames.compactMap { frame in
            switch frame {
            case .json(let v): return v["type"]?.stringValue
            case .binary(let b): return b.count >= 4 ? "binary:\(Int(b[3]))" : "binary:?"
            case .closed: return nil
            }
        }
    }

    /// Drops progress ticks, whose count depends on timing.
    static func withoutTicks(_ types: [String]) -> [String] {
        types.filter { $0 != "progress" && $0 != "progress_state" && !$0.hasPrefix("binary") }
    }

    /// Checks that each emulator message has the keys and value types of the transcript message of
    /// the same position and type.
    static func expectSameShapes(_ got: [TestFrame], _ expected: [JSONValue], sourceLocation: SourceLocation = #_sourceLocation) {
        let gotJSON = got.compactMap(\.json)
        for (g, e) in zip(gotJSON, expected.filter { $0["binary"] == nil }) where g["type"] == e["type"] {
            #expect(Shape.keyless(g) == Shape.keyless(e), "\(g["type"]?.stringValue ?? "?")", sourceLocation: sourceLocation)
        }
    }

    /// Transcript messages of `socket` from the first one `from` accepts, up to and including the first one `to` accepts.
    static func segment(_ messages: [JSONValue], from: (JSONValue) -> Bool, to: (JSONValue) -> Bool) -> [JSONValue] {
        guard let start = messages.firstIndex(where: from) else { return [] }
        var out: [JSONValue] = []
        for m in messages[start...] {
            out.append(m)
            if to(m) { break }
        }
        return out
    }

    static func isFinal(_ m: JSONValue) -> Bool { m["type"] == "executing" && m["data"]?["node"] == .null }

    static func typeList(_ messages: [JSONValue]) -> [String] {
        messages.map { m in
            if m["binary"] == .bool(true) { return "binary:\(m["event_type"]?.intValue ?? 0)" }
            return m["type"]?.stringValue ?? "?"
        }
    }
}

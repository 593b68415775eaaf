import ComfyTestSupport
import ComfyWorkflow
import Foundation

/// The recorded ComfyUI 0.8 transcripts in Tests/Fixtures/transcripts, parsed with JSONValue.
enum Transcripts {
    static let directory = Repository.fixtures.appendingPathComponent("transcripts")

    static let names: [String] = {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted()
    }()

    static func load(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent(name))
        return try JSONValue.parse(Array(data))
    }

    static func events(_ name: String) throws -> [JSONValue] {
        try load(name)["events"]?.arrayValue ?? []
    }

    /// Every HTTP exchange of a transcript as (method, path, status, response).
    static func http(_ name: String) throws -> [(method: String, path: String, status: Int, response: JSONValue)] {
        try events(name).compactMap { event in
            guard event["kind"]?.stringValue == "http",
                  let method = event["request"]?["method"]?.stringValue,
                  let path = event["request"]?["path"]?.stringValue,
                  let status = event["response"]?["status"]?.intValue,
                  let response = event["response"] else { return nil }
            return (method, path, status, response)
        }
    }

    /// Rebuilds a binary frame from its recorded summary: header fields exact, image bytes padded to size.
    static func binaryFrame(_ summary: JSONValue) -> [UInt8]? {
        guard let type = summary["event_type"]?.intValue, let length = summary["length"]?.intValue else { return nil }
        var frame = u32(UInt32(type))
        switch type {
        case 4:
            guard let metadata = summary["metadata"] else { return nil }
            let json = metadata.serialized()
            frame += u32(UInt32(json.count)) + json
            frame += hex(summary["image_first_8_bytes_hex"]?.stringValue ?? "")
        default:
            frame = hex(summary["first_8_bytes_hex"]?.stringValue ?? "")
        }
        if frame.count < length { frame += [UInt8](repeating: 0, count: length - frame.count) }
        return frame
    }

    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(text.utf8).filter { $0 != UInt8(ascii: " ") }
        if chars.count % 2 == 1 { chars.removeLast() }
        var i = 0
        while i + 1 < chars.count {
            out.append(UInt8(String(decoding: chars[i...i + 1], as: UTF8.self), radix: 16) ?? 0)
            i += 2
        }
        return out
    }
}

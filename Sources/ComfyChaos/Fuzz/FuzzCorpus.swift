import ComfyWorkflow
import Foundation

/// The well-formed inputs a fuzz campaign mutates: every WebSocket message and JSON HTTP reply body
/// recorded from a real ComfyUI 0.8 server (the transcripts), and binary frames rebuilt from the
/// transcripts' frame descriptions.
public struct FuzzCorpus: Sendable {
    /// Text frames, as the server sent them (compact JSON).
    public var textFrames: [[UInt8]]
    /// Binary frames: preview (types 1 and 4) and text (type 3) frames with the recorded headers.
    public var binaryFrames: [[UInt8]]
    /// JSON reply bodies by route (`GET /queue`, `POST /prompt`, …), as the server sent them.
    public var httpBodies: [(route: String, body: [UInt8])]

    /// Creates a corpus from its parts.
    public init(textFrames: [[UInt8]], binaryFrames: [[UInt8]], httpBodies: [(route: String, body: [UInt8])]) {
        self.textFrames = textFrames
        self.binaryFrames = binaryFrames
        self.httpBodies = httpBodies
    }

    /// Reads every `*.json` transcript in `directory` (the repository's `Tests/Fixtures/transcripts`).
    ///
    /// - Throws: `FuzzError.corpus` naming the file when a transcript is missing, unreadable or has no events.
    public static func load(transcripts directory: URL) throws(FuzzError) -> FuzzCorpus {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        } catch {
            throw .corpus(path: directory.path, reason: "cannot list the transcripts folder: \(error.localizedDescription)")
        }
        guard !names.isEmpty else { throw .corpus(path: directory.path, reason: "no *.json transcripts") }
        var corpus = FuzzCorpus(textFrames: [], binaryFrames: [], httpBodies: [])
        for name in names {
            let url = directory.appendingPathComponent(name)
            let document: JSONValue
            do {
                document = try JSONValue.parse(Data(contentsOf: url))
            } catch {
                throw .corpus(path: url.path, reason: "not readable JSON: \(error)")
            }
            guard let events = document["events"]?.arrayValue else { throw .corpus(path: url.path, reason: "no events array") }
            for event in events { corpus.add(event) }
        }
        return corpus
    }

    private mutating func add(_ event: JSONValue) {
        switch event["kind"]?.stringValue {
        case "ws_recv":
            guard let message = event["message"] else { return }
            if message["binary"]?.boolValue == true {
                if let frame = Self.binaryFrame(describedBy: message) { binaryFrames.append(frame) }
            } else {
                textFrames.append(message.serialized(.python))
            }
        case "http":
            guard let response = event["response"], let body = response["json"] else { return }
            let method = event["request"]?["method"]?.stringValue ?? "GET"
            let path = event["request"]?["path"]?.stringValue ?? "/"
            httpBodies.append((route: "\(method) \(path)", body: body.serialized(.python)))
        default:
            break
        }
    }

    /// Rebuilds a binary frame from a transcript description: header, metadata, and an image of the
    /// recorded size whose first bytes are the recorded ones (capped at 64 KiB).
    static func binaryFrame(describedBy message: JSONValue) -> [UInt8]? {
        guard let type = message["event_type"]?.intValue else { return nil }
        let length = min(message["length"]?.intValue ?? 64, 64 << 10)
        var frame = Self.u32(UInt32(truncatingIfNeeded: type))
        switch type {
        case 4:
            let metadata = (message["metadata"] ?? .object(JSONObject())).serialized(.compact)
            frame += Self.u32(UInt32(metadata.count)) + metadata
            frame += Self.hex(message["image_first_8_bytes_hex"]?.stringValue ?? "")
        case 3:
            let node = Array("2".utf8)
            frame += Self.u32(UInt32(node.count)) + node + Array("width: 16, height: 16\n batch size: 2".utf8)
            return frame
        default:
            frame = Self.hex(message["first_8_bytes_hex"]?.stringValue ?? "")
            if frame.count < 8 { return nil }
        }
        if frame.count < length { frame += [UInt8](repeating: 0x5A, count: length - frame.count) }
        return frame
    }

    static func u32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    static func hex(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        var chars = Array(text.utf8)[...]
        while chars.count >= 2 {
            guard let byte = UInt8(String(decoding: chars.prefix(2), as: UTF8.self), radix: 16) else { return out }
            out.append(byte)
            chars = chars.dropFirst(2)
        }
        return out
    }
}

/// Why a fuzz campaign could not run.
public enum FuzzError: Error, Sendable, CustomStringConvertible {
    /// The transcripts could not be read.
    case corpus(path: String, reason: String)

    /// One line naming the file and the problem.
    public var description: String {
        switch self {
        case .corpus(let path, let reason): "\(path): \(reason)"
        }
    }
}

import Foundation
@testable import ComfyWorkflow

/// Paths to checked-in fixtures and bundled workflows, found relative to this file.
enum Fixtures {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let workflowFolder = packageRoot.appendingPathComponent("Tests/Fixtures/workflow")
    static let transcriptFolder = packageRoot.appendingPathComponent("Tests/Fixtures/transcripts")
    static let bundledFolder = packageRoot.appendingPathComponent("workflows")

    static func bytes(_ url: URL) throws -> [UInt8] { Array(try Data(contentsOf: url)) }
    static func fixture(_ name: String) throws -> [UInt8] { try bytes(workflowFolder.appendingPathComponent(name)) }
    static func bundled(_ name: String) throws -> Workflow { try Workflow(contentsOf: bundledFolder.appendingPathComponent(name)) }

    /// The test catalogue: real transcript entries plus ComfyUI 0.8.0 shapes of the other classes used.
    static func catalog() throws -> NodeCatalog { try NodeCatalog(data: fixture("object_info.json")) }

    /// Every `/object_info` reply recorded in the info transcript, merged.
    static func transcriptObjectInfo() throws -> [(path: String, body: JSONValue)] {
        let transcript = try JSONValue.parse(bytes(transcriptFolder.appendingPathComponent("j_info_endpoints.json")))
        return (transcript["events"]?.arrayValue ?? []).compactMap { event in
            guard let path = event["request"]?["path"]?.stringValue, path.hasPrefix("/object_info"),
                  let body = event["response"]?["json"] else { return nil }
            return (path, body)
        }
    }
}

/// A small deterministic generator (SplitMix64) so property tests replay identically.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

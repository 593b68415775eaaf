import ComfyTestSupport
import Foundation
@testable import ComfyWorkflow

/// Paths to checked-in fixtures and bundled workflows, from ComfyTestSupport's `Repository`.
enum Fixtures {
    static let packageRoot = Repository.root
    static let workflowFolder = Repository.fixtures.appendingPathComponent("workflow")
    static let transcriptFolder = Repository.fixtures.appendingPathComponent("transcripts")
    static let bundledFolder = Repository.path("workflows")

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

import ComfyTestSupport
import ComfyWorkflow
import Foundation
@testable import StoryCore

/// Paths and scratch folders for StoryCore tests.
enum TestSupport {
    static let repositoryRoot: URL = Repository.root

    static var demoProject: URL { repositoryRoot.appendingPathComponent("examples/demo-project") }

    /// A fresh empty folder under the temporary directory.
    static func scratch(_ label: String = "storycore") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(label)-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A copy of the demo project in a scratch folder.
    static func demoCopy() throws -> URL {
        let dir = try scratch("demo")
        for name in ["project.json", "storyboard.json"] {
            try FileManager.default.copyItem(at: demoProject.appendingPathComponent(name), to: dir.appendingPathComponent(name))
        }
        return dir
    }

    /// The demo project.json as a mutable JSON value.
    static func demoDocuments() throws -> (project: JSONValue, storyboard: JSONValue) {
        let p = try JSONValue.parse(Data(contentsOf: demoProject.appendingPathComponent("project.json")))
        let s = try JSONValue.parse(Data(contentsOf: demoProject.appendingPathComponent("storyboard.json")))
        return (p, s)
    }
}

extension JSONValue {
    /// A copy with the value at `path` (object keys) replaced, or removed when `value` is nil.
    func setting(_ path: [String], to value: JSONValue?) -> JSONValue {
        guard let first = path.first, case .object(var object) = self else { return self }
        if path.count == 1 {
            object[first] = value
        } else {
            object[first] = (object[first] ?? .object(JSONObject())).setting(Array(path.dropFirst()), to: value)
        }
        return .object(object)
    }
}

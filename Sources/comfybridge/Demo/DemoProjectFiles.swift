import Foundation

/// Writes the bundled demo project (`examples/demo-project`) and its workflow into a folder.
enum DemoProjectFiles {
    /// The workflow file name written next to the project, so `render --workflow` can reuse it.
    static let workflowFileName = "workflow.json"

    /// Creates `directory` (and parents) and writes `project.json`, `storyboard.json` and
    /// `workflow.json` into it. Refuses a folder that already holds a different project.
    static func write(to directory: URL) throws {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), !isDirectory.boolValue {
            throw CommandFailure.badInput("\(directory.path): exists and is not a folder")
        }
        let projectFile = directory.appendingPathComponent("project.json")
        if manager.fileExists(atPath: projectFile.path) {
            let existing = (try? Data(contentsOf: projectFile)).flatMap { String(data: $0, encoding: .utf8) } ?? ""
            guard existing.contains("\"demo-lighthouse-keeper\"") else {
                throw CommandFailure.badInput("\(projectFile.path): a different project is already there; choose another --out folder")
            }
            return
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            try Data(EmbeddedResources.demoProjectJSON.utf8).write(to: projectFile, options: .atomic)
            try Data(EmbeddedResources.demoStoryboardJSON.utf8).write(to: directory.appendingPathComponent("storyboard.json"), options: .atomic)
            try Data(EmbeddedResources.defaultWorkflowJSON.utf8).write(to: directory.appendingPathComponent(workflowFileName), options: .atomic)
        } catch {
            throw CommandFailure(status: .failed, message: "\(directory.path): cannot write the demo project: \((error as NSError).localizedDescription)")
        }
    }
}

import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// Temporary folders, the demo project and emulators for the CLI tests.
enum Fixtures {
    /// A new empty temporary folder.
    static func temporaryFolder() throws -> URL {
        try Repository.temporaryFolder("comfybridge-cli")
    }

    /// The repository's `examples/demo-project`.
    static let demoProject = Repository.path("examples/demo-project")
    /// The repository's `workflows/storycore_sdxl.json`.
    static let sdxlWorkflow = Repository.path("workflows/storycore_sdxl.json")

    /// A copy of the demo project in a new temporary folder.
    static func demoProjectCopy() throws -> URL {
        let folder = try temporaryFolder().appendingPathComponent("project", isDirectory: true)
        try FileManager.default.copyItem(at: demoProject, to: folder)
        return folder
    }

    /// A started emulator on a free loopback port, logging only warnings.
    static func emulator(_ configuration: EmulatorConfiguration = EmulatorConfiguration(timing: .instant)) async throws -> ComfyEmulator {
        try await TestEmulator.start(configuration)
    }

    /// Parses every line as a JSON object; records an issue naming a line that is not one.
    static func jsonObjects(_ lines: [String]) -> [JSONValue] {
        lines.compactMap { line in
            guard let value = try? JSONValue.parse(Array(line.utf8)), value.objectValue != nil else {
                Issue.record("stdout line is not a JSON object: \(line)")
                return nil
            }
            return value
        }
    }
}

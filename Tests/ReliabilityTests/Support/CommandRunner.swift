import ComfyTestSupport
import Foundation

/// Runs the built `comfybridge` executable and collects its exit code and output.
struct CommandRunner {
    /// What a run printed and how it ended.
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Non-empty stderr lines.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    let executable: URL

    /// Runs `comfybridge arguments…` with `environment` added to a minimal environment; kills it after `timeout`
    /// (a hang guard) and throws.
    func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Outcome {
        let folder = try Fixtures.scratch("cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let finished = try await TestProcess.run(executable, arguments, in: folder,
                                                 environment: ["PATH": "/usr/bin:/bin", "HOME": folder.path].merging(environment) { $1 },
                                                 timeout: timeout)
        return Outcome(status: finished.status, stdout: finished.stdout, stderr: finished.stderr)
    }
}

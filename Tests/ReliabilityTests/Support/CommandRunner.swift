import Foundation

/// Runs the built `comfybridge` executable and collects its exit code and output.
struct CommandRunner {
    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String

        /// Non-empty stderr lines.
        var errorLines: [String] { stderr.split(separator: "\n").map(String.init).filter { !$0.isEmpty } }
    }

    let executable: URL

    /// Runs `comfybridge arguments…` with `environment` added to a minimal environment; kills it after `timeout`.
    func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(60)) async throws -> Outcome {
        let folder = try Fixtures.scratch("cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("out")
        let err = folder.appendingPathComponent("err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": folder.path].merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now > deadline {
                process.terminate()
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                throw HangGuard.Hung(limit: timeout)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return Outcome(status: process.terminationStatus,
                       stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "")
    }
}

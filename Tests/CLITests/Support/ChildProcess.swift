import ComfyTestSupport
import Foundation
import Testing

/// The outcome of a finished `comfybridge` process.
typealias Finished = TestProcess.Finished

/// A `comfybridge` child process of a CLI test: the built binary run through ComfyTestSupport's
/// ``TestProcess``, with COMFYUI_URL and COMFYUI_TOKEN removed from the test's environment unless given.
struct ChildProcess: Sendable {
    private let process: TestProcess

    /// Stdout lines as they arrive (only when streaming); ends when the child closes stdout.
    var stdoutLines: AsyncStream<String> { process.stdoutLines }
    /// The child's process id.
    var pid: Int32 { process.pid }

    /// Starts the built `comfybridge` with `arguments` in `directory`, with `environment` added to
    /// the test's environment.
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], streaming: Bool = true) throws {
        process = try TestProcess(CLIBinary.url(), arguments, in: directory, environment: Self.environment(adding: environment),
                                  streaming: streaming)
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        process.send(signal)
    }

    /// Waits for the child to end; `lines` are stdout lines already consumed from `stdoutLines`. A child
    /// that hangs or a stdout that stays open is recorded as an issue (status -1).
    func finish(consumed lines: [String] = []) async -> Finished {
        do {
            return try await process.finish(consumed: lines)
        } catch {
            Issue.record("comfybridge (pid \(pid)): \(error)")
            return Finished(status: -1, signalled: false, stdout: lines.map { $0 + "\n" }.joined(), stderr: "")
        }
    }

    /// Runs `comfybridge` to its end, its output captured in files.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Finished {
        try await TestProcess.run(CLIBinary.url(), arguments, in: directory, environment: Self.environment(adding: environment))
    }

    /// The test's environment without COMFYUI_URL and COMFYUI_TOKEN, plus `added`.
    private static func environment(adding added: [String: String]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["COMFYUI_URL"] = nil
        environment["COMFYUI_TOKEN"] = nil
        return environment.merging(added) { $1 }
    }
}

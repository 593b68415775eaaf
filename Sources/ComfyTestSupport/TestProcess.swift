import Foundation
import ProcessSupport

/// A child process of a test, on the package's one ``ChildProcess`` wrapper: its stderr (and its stdout,
/// unless streamed) go to temporary files read after it exits, so no pipe can fill up or wait for an
/// end-of-file a sibling holds open; a streamed stdout arrives line by line in ``stdoutLines``.
public final class TestProcess: Sendable {
    /// The outcome of a finished child.
    public struct Finished: Sendable {
        /// The exit code (or the signal number when `signalled`).
        public var status: Int32
        /// True when a signal ended the process instead of an exit.
        public var signalled: Bool
        /// Everything written to stdout.
        public var stdout: String
        /// Everything written to stderr.
        public var stderr: String

        /// Stdout split into lines, without empty ones.
        public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

        /// An outcome with these fields.
        public init(status: Int32, signalled: Bool, stdout: String, stderr: String) {
            self.status = status
            self.signalled = signalled
            self.stdout = stdout
            self.stderr = stderr
        }
    }

    /// Stdout lines as they arrive (only when streaming); ends when the child closes stdout.
    public var stdoutLines: AsyncStream<String> { child.stdoutLines }
    /// The child's process id.
    public var pid: Int32 { child.pid }
    private let child: ChildProcess
    private let stdoutFile: URL?
    private let stderrFile: URL

    /// Starts `executable` with `arguments` in `directory` (nil: this process's) with exactly `environment`
    /// (nil: this process's); stdout is streamed into ``stdoutLines`` when `streaming`.
    public init(_ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
                streaming: Bool = false) throws(ChildProcessError) {
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("test-child-\(UUID().uuidString)")
        stderrFile = capture.appendingPathExtension("err")
        stdoutFile = streaming ? nil : capture.appendingPathExtension("out")
        child = try ChildProcess(executable.path, arguments, environment: environment, directory: directory,
                                 stdout: stdoutFile.map { .file($0) } ?? .lines, stderr: .file(stderrFile))
    }

    /// Sends `signal` to the child.
    public func send(_ signal: Int32) {
        child.send(signal)
    }

    /// Waits for the child to end and collects its output; `lines` are stdout lines already consumed from
    /// ``stdoutLines``. After `timeout` (a hang guard) the child is killed and the error thrown.
    ///
    /// - Throws: ``ProcessSupport/ChildProcessError`` when it timed out or the wait was cancelled;
    ///   ``TestSupportError/stdoutStayedOpen(program:pid:after:)`` when a streamed stdout stays open
    ///   60 s after the child exited (another process holds it).
    public func finish(consumed lines: [String] = [], timeout: Duration = .seconds(600)) async throws -> Finished {
        defer {
            try? FileManager.default.removeItem(at: stderrFile)
            if let stdoutFile { try? FileManager.default.removeItem(at: stdoutFile) }
        }
        let end = try await child.wait(timeout: timeout)
        var all = lines
        if let stdoutFile {
            all += ((try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        } else {
            all += try await remainingLines()
        }
        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        let (status, signalled): (Int32, Bool) = switch end.ending {
        case .exited(let code): (code, false)
        case .signalled(let signal): (signal, true)
        }
        return Finished(status: status, signalled: signalled, stdout: all.map { $0 + "\n" }.joined(), stderr: stderr)
    }

    /// The rest of a streamed stdout after the child exited, waiting at most 60 s for its end.
    private func remainingLines() async throws -> [String] {
        let stream = stdoutLines
        let rest = await withTaskGroup(of: [String]?.self) { group in
            group.addTask {
                var rest: [String] = []
                for await line in stream { rest.append(line) }
                return rest
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(60))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let rest else { throw TestSupportError.stdoutStayedOpen(program: child.executable, pid: pid, after: .seconds(60)) }
        return rest
    }

    /// Runs `executable` to its end, its output captured in files; see ``init(_:_:in:environment:streaming:)``
    /// and ``finish(consumed:timeout:)``.
    public static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil,
                           timeout: Duration = .seconds(600)) async throws -> Finished {
        try await TestProcess(executable, arguments, in: directory, environment: environment).finish(timeout: timeout)
    }
}

import Foundation
import Testing

/// The outcome of a finished `comfybridge` process.
struct Finished: Sendable {
    /// The exit code (or the signal number when `signalled`).
    var status: Int32
    /// True when the process was ended by a signal instead of exiting.
    var signalled: Bool
    /// Everything written to stdout.
    var stdout: String
    /// Everything written to stderr.
    var stderr: String

    /// Stdout split into lines, without empty ones.
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }
}

/// A `comfybridge` child process.
///
/// Stderr (and stdout, unless streamed) go to temporary files read after the child exits, so no pipe
/// can fill up or wait for an end-of-file that a sibling process holds open. A streamed stdout
/// arrives line by line through `stdoutLines` while the child runs.
final class ChildProcess: Sendable {
    /// Stdout lines as they arrive (only when streaming); ends when the child closes stdout.
    let stdoutLines: AsyncStream<String>
    /// The child's process id.
    let pid: Int32
    private let stdoutFile: URL?
    private let stderrFile: URL
    private let exit: AsyncStream<(Int32, Bool)>

    /// Starts the built `comfybridge` with `arguments` in `directory`, with `environment` added to
    /// the test's environment (COMFYUI_URL and COMFYUI_TOKEN are removed unless given).
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:], streaming: Bool = true) throws {
        let process = Process()
        process.executableURL = try CLIBinary.url()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["COMFYUI_URL"] = nil
        env["COMFYUI_TOKEN"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let capture = FileManager.default.temporaryDirectory.appendingPathComponent("comfybridge-child-\(UUID().uuidString)")
        stderrFile = capture.appendingPathExtension("err")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        process.standardInput = FileHandle.nullDevice

        let (lines, lineSink) = AsyncStream.makeStream(of: String.self)
        if streaming {
            stdoutFile = nil
            let out = Pipe()
            process.standardOutput = out
            let splitter = LineSplitter()
            out.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    for line in splitter.finish() { lineSink.yield(line) }
                    lineSink.finish()
                } else {
                    for line in splitter.append(data) { lineSink.yield(line) }
                }
            }
        } else {
            let file = capture.appendingPathExtension("out")
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
            stdoutFile = file
            process.standardOutput = try FileHandle(forWritingTo: file)
            lineSink.finish()
        }
        let (exit, exitSink) = AsyncStream.makeStream(of: (Int32, Bool).self)
        process.terminationHandler = { finished in
            exitSink.yield((finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            exitSink.finish()
        }
        try process.run()
        pid = process.processIdentifier
        stdoutLines = lines
        self.exit = exit
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end; `lines` are stdout lines already consumed from `stdoutLines`.
    func finish(consumed lines: [String] = []) async -> Finished {
        var status: (Int32, Bool) = (-1, false)
        for await value in exit { status = value }
        var all = lines
        if let stdoutFile {
            all += ((try? String(contentsOf: stdoutFile, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
            try? FileManager.default.removeItem(at: stdoutFile)
        } else {
            all += await remainingLines()
        }
        let stderr = (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: stderrFile)
        return Finished(status: status.0, signalled: status.1, stdout: all.map { $0 + "\n" }.joined(), stderr: stderr)
    }

    /// The rest of a streamed stdout after the child exited; gives up (recording an issue) if the
    /// pipe is not closed within 60 s, which would mean another process holds it open.
    private func remainingLines() async -> [String] {
        let stream = stdoutLines
        return await withTaskGroup(of: [String]?.self) { group in
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
            if first == nil { Issue.record("stdout of comfybridge (pid \(pid)) stayed open 60 s after it exited") }
            return first ?? []
        }
    }

    /// Runs `comfybridge` to its end, its output captured in files.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Finished {
        try await ChildProcess(arguments, in: directory, environment: environment, streaming: false).finish()
    }
}

/// Splits a byte stream into lines. Only the pipe's readability handler uses it, and the handler
/// runs serially, so its buffer is never touched concurrently.
private final class LineSplitter: @unchecked Sendable {
    private var buffer = Data()

    func append(_ data: Data) -> [String] {
        buffer.append(data)
        var lines: [String] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
        return lines.filter { !$0.isEmpty }
    }

    func finish() -> [String] {
        defer { buffer.removeAll() }
        let rest = String(decoding: buffer, as: UTF8.self)
        return rest.isEmpty ? [] : [rest]
    }
}

import Foundation

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

/// A `comfybridge` child process whose stdout arrives line by line while it runs.
///
/// Both pipes are drained as data arrives (no pipe can fill and block the child).
final class ChildProcess: Sendable {
    /// Stdout lines as they arrive; ends when the child closes stdout.
    let stdoutLines: AsyncStream<String>
    /// The child's process id.
    let pid: Int32
    private let stderrChunks: AsyncStream<Data>
    private let exit: AsyncStream<(Int32, Bool)>

    /// Starts the built `comfybridge` with `arguments` in `directory`, with `environment` added to
    /// the test's environment (COMFYUI_URL and COMFYUI_TOKEN are removed unless given).
    init(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) throws {
        let process = Process()
        process.executableURL = try CLIBinary.url()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["COMFYUI_URL"] = nil
        env["COMFYUI_TOKEN"] = nil
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice

        let (lines, lineSink) = AsyncStream.makeStream(of: String.self)
        let (errors, errorSink) = AsyncStream.makeStream(of: Data.self)
        let (exit, exitSink) = AsyncStream.makeStream(of: (Int32, Bool).self)
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
        err.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                errorSink.finish()
            } else {
                errorSink.yield(data)
            }
        }
        process.terminationHandler = { finished in
            exitSink.yield((finished.terminationStatus, finished.terminationReason == .uncaughtSignal))
            exitSink.finish()
        }
        try process.run()
        pid = process.processIdentifier
        stdoutLines = lines
        stderrChunks = errors
        self.exit = exit
    }

    /// Sends `signal` to the child.
    func send(_ signal: Int32) {
        kill(pid, signal)
    }

    /// Waits for the child to end; `lines` are stdout lines already consumed from `stdoutLines`.
    func finish(consumed lines: [String] = []) async -> Finished {
        var all = lines
        for await line in stdoutLines { all.append(line) }
        var errorData = Data()
        for await chunk in stderrChunks { errorData.append(chunk) }
        var status: (Int32, Bool) = (-1, false)
        for await value in exit { status = value }
        return Finished(status: status.0, signalled: status.1, stdout: all.map { $0 + "\n" }.joined(),
                        stderr: String(decoding: errorData, as: UTF8.self))
    }

    /// Runs `comfybridge` to its end.
    static func run(_ arguments: [String], in directory: URL, environment: [String: String] = [:]) async throws -> Finished {
        try await ChildProcess(arguments, in: directory, environment: environment).finish()
    }
}

/// Splits a byte stream into lines; used from one readability handler at a time.
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

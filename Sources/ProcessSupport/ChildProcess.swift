import CProcessSupport
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawn`: the one child-process wrapper of the package, used by the
/// benchmark harness, the chaos campaign and the tests.
///
/// Standard input is always `/dev/null`. Standard output and error each go to `/dev/null`, to a file
/// (so nothing the child prints can block it on a full pipe), or, for standard output only, to a pipe
/// read line by line into ``stdoutLines``. Pipe ends are close-on-exec, so a sibling started at the same
/// time never inherits them and never holds the pipe open after this child exits.
///
/// The child is reaped by its pid alone (`wait4`), never by "any child", so other children of the same
/// process are left alone. It is reaped exactly once: after ``poll()``, ``wait(timeout:samplingMemory:)``
/// or ``killNow()`` saw it end, every later call returns the same ``Termination``.
public final class ChildProcess: Sendable {
    /// Where a standard stream of the child goes.
    public enum Output: Sendable {
        /// Discarded (`/dev/null`).
        case discarded
        /// Written to this file, created or truncated.
        case file(URL)
        /// A pipe whose lines arrive in ``ChildProcess/stdoutLines`` (standard output only).
        case lines
    }

    /// How the child ended.
    public enum Ending: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this code.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        /// `exit N` or `signal N`.
        public var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    /// How the child ended and what it cost.
    public struct Termination: Sendable {
        /// How it ended.
        public var ending: Ending
        /// User plus system CPU seconds of the child.
        public var cpuSeconds: Double
        /// Peak resident set size of the child in KiB: the largest `VmHWM` read from `/proc/PID/status`
        /// while ``ChildProcess/wait(timeout:samplingMemory:)`` sampled it, else `ru_maxrss`. Not `ru_maxrss`
        /// first: after `posix_spawn` (vfork) and exec, Linux starts a child's `ru_maxrss` at the spawning
        /// process's own peak, so every child would report at least its parent's RSS.
        public var maxRSSKiB: Int
        /// Wall-clock seconds from spawn to reaping, start-up and shutdown included.
        public var wallSeconds: Double

        /// The exit code, or 128 + the signal number when a signal ended it (as a shell reports it).
        public var status: Int32 {
            switch ending {
            case .exited(let code): code
            case .signalled(let signal): 128 + signal
            }
        }

        /// A termination with these figures (for tests of code that reads one).
        public init(ending: Ending, cpuSeconds: Double = 0, maxRSSKiB: Int = 0, wallSeconds: Double = 0) {
            self.ending = ending
            self.cpuSeconds = cpuSeconds
            self.maxRSSKiB = maxRSSKiB
            self.wallSeconds = wallSeconds
        }

        /// A termination that exited with `status` (for tests of code that reads one).
        public init(status: Int32, cpuSeconds: Double, maxRSSKiB: Int, wallSeconds: Double) {
            self.init(ending: .exited(status), cpuSeconds: cpuSeconds, maxRSSKiB: maxRSSKiB, wallSeconds: wallSeconds)
        }
    }

    /// The process id.
    public let pid: pid_t
    /// The program's path, for messages.
    public let executable: String
    /// Standard output line by line, without empty lines, when it was started with `stdout: .lines`;
    /// ends when the child (and everything it started) closes standard output. Empty otherwise.
    public let stdoutLines: AsyncStream<String>
    private let started: ContinuousClock.Instant
    private let reaped = ReapState()
    /// The read end of the standard output pipe, kept for as long as the child object lives.
    private let stdoutPipe: FileHandle?

    /// Starts `executable` with `arguments`.
    ///
    /// - Parameters:
    ///   - environment: the child's whole environment; nil inherits this process's.
    ///   - directory: the child's working directory; nil keeps this process's.
    ///   - stdout: where standard output goes.
    ///   - stderr: where standard error goes (`.lines` is not accepted and counts as `.discarded`).
    /// - Throws: ``ChildProcessError/spawn(program:reason:)`` when it cannot be started.
    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
                stdout: Output = .discarded, stderr: Output = .discarded) throws(ChildProcessError) {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        var pipeEnds: (read: Int32, write: Int32)?
        if case .lines = stdout {
            pipeEnds = try Self.closeOnExecPipe(program: executable)
            posix_spawn_file_actions_adddup2(&actions, pipeEnds!.write, 1)
        } else {
            Self.redirect(&actions, descriptor: 1, to: stdout)
        }
        Self.redirect(&actions, descriptor: 2, to: stderr)
        if let directory {
            cprocess_spawn_addchdir(&actions, directory.path)
        }
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?]? = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp ?? [] { free(pointer) }
        }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let result = envp.map { posix_spawn(&pid, executable, &actions, nil, argv, $0) }
            ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
        if let pipeEnds { close(pipeEnds.write) }
        guard result == 0 else {
            if let pipeEnds { close(pipeEnds.read) }
            throw .spawn(program: executable, reason: String(cString: strerror(result)))
        }
        self.pid = pid
        self.executable = executable
        self.started = started
        let (lines, sink) = AsyncStream.makeStream(of: String.self)
        stdoutLines = lines
        if let pipeEnds {
            let splitter = LineSplitter()
            let handle = FileHandle(fileDescriptor: pipeEnds.read, closeOnDealloc: true)
            stdoutPipe = handle
            handle.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                    for line in splitter.finish() { sink.yield(line) }
                    sink.finish()
                } else {
                    for line in splitter.append(data) { sink.yield(line) }
                }
            }
        } else {
            stdoutPipe = nil
            sink.finish()
        }
    }

    /// Sends `signal` to the child (nothing happens once it has been reaped).
    public func send(_ signal: Int32) {
        guard reaped.termination == nil else { return }
        kill(pid, signal)
    }

    /// The child's termination if it has ended (it is then reaped), else nil. Never blocks.
    public func poll() -> Termination? {
        reap(blocking: false, peakKiB: 0)
    }

    /// Kills the child with SIGKILL and reaps it (at once if it had already ended).
    public func killNow() -> Termination {
        if let done = reaped.termination { return done }
        kill(pid, SIGKILL)
        return reap(blocking: true, peakKiB: 0)!
    }

    /// Waits for the child to end, checking every 2 ms.
    ///
    /// - Parameters:
    ///   - timeout: after this long (from spawn) the child is killed and ``ChildProcessError/timedOut(program:after:)``
    ///     is thrown; nil waits as long as it takes.
    ///   - samplingMemory: read the child's peak resident memory at every check, for ``Termination/maxRSSKiB``.
    /// - Throws: ``ChildProcessError/timedOut(program:after:)``, or ``ChildProcessError/cancelled(program:)`` when the
    ///   waiting task is cancelled (the child is then killed and reaped, so none outlives its waiter).
    public func wait(timeout: Duration? = nil, samplingMemory: Bool = false) async throws(ChildProcessError) -> Termination {
        let deadline = timeout.map { started + $0 }
        var peakKiB = 0
        while true {
            if samplingMemory, reaped.termination == nil { peakKiB = max(peakKiB, Self.highWaterMarkKiB(pid)) }
            if let done = reap(blocking: false, peakKiB: peakKiB) { return done }
            if let deadline, let timeout, ContinuousClock.now > deadline {
                _ = killNow()
                throw .timedOut(program: executable, after: timeout)
            }
            do {
                try await Task.sleep(for: .milliseconds(2))
            } catch {
                _ = killNow()
                throw .cancelled(program: executable)
            }
        }
    }

    /// Sends SIGTERM and reaps the child, killing it with SIGKILL if it has not gone after `grace`.
    @discardableResult
    public func stop(grace: Duration = .seconds(2)) async -> Termination {
        if let done = reaped.termination { return done }
        kill(pid, SIGTERM)
        let deadline = ContinuousClock.now + grace
        while ContinuousClock.now < deadline {
            if let done = poll() { return done }
            do { try await Task.sleep(for: .milliseconds(2)) } catch { break }
        }
        return killNow()
    }

    /// Reaps the child with `wait4` if it has ended (or, `blocking`, once it ends), exactly once.
    private func reap(blocking: Bool, peakKiB: Int) -> Termination? {
        reaped.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            var usage = rusage()
            var result: pid_t
            repeat {
                result = wait4(pid, &status, blocking ? 0 : WNOHANG, &usage)
            } while result == -1 && errno == EINTR
            guard result == pid else { return nil }
            let signal = status & 0x7F
            let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
                + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
            let wall = ContinuousClock.now - started
            let done = Termination(ending: signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal),
                                   cpuSeconds: cpu, maxRSSKiB: peakKiB > 0 ? peakKiB : Int(usage.ru_maxrss),
                                   wallSeconds: Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18)
            termination = done
            return done
        }
    }

    /// Opens `output` on `descriptor` in the child.
    private static func redirect(_ actions: inout posix_spawn_file_actions_t, descriptor: Int32, to output: Output) {
        switch output {
        case .file(let url):
            posix_spawn_file_actions_addopen(&actions, descriptor, url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        case .discarded, .lines:
            posix_spawn_file_actions_addopen(&actions, descriptor, "/dev/null", O_WRONLY, 0)
        }
    }

    /// A pipe whose both ends are close-on-exec from the start.
    private static func closeOnExecPipe(program: String) throws(ChildProcessError) -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        let made = cprocess_pipe_cloexec(&ends)
        guard made == 0 else { throw .spawn(program: program, reason: "pipe: \(String(cString: strerror(errno)))") }
        return (ends[0], ends[1])
    }

    /// `VmHWM` (peak resident memory of the process's own address space) in KiB, or 0 when unreadable.
    private static func highWaterMarkKiB(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }
}

/// Why a child process could not be started or waited for.
public enum ChildProcessError: Error, Equatable, CustomStringConvertible {
    /// It could not be started.
    case spawn(program: String, reason: String)
    /// It did not finish in time and was killed.
    case timedOut(program: String, after: Duration)
    /// The task waiting for it was cancelled; it was killed.
    case cancelled(program: String)

    /// One line naming the program and what happened.
    public var description: String {
        switch self {
        case .spawn(let program, let reason): "cannot run \(program): \(reason)"
        case .timedOut(let program, let after): "\(program) did not finish within \(after) and was killed"
        case .cancelled(let program): "waiting for \(program) was cancelled; it was killed"
        }
    }
}

/// The reaped termination of one child, behind a lock: `poll`, `wait` and `killNow` may race.
private final class ReapState: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ChildProcess.Termination?

    /// The termination once reaped.
    var termination: ChildProcess.Termination? { lock.withLock { value } }

    /// Runs `body` on the termination under the lock.
    func withLock<T>(_ body: (inout ChildProcess.Termination?) -> T) -> T {
        lock.withLock { body(&value) }
    }
}

/// Splits a byte stream into non-empty lines. Only the pipe's readability handler uses it, and the
/// handler runs serially, so its buffer is never touched concurrently.
private final class LineSplitter: @unchecked Sendable {
    private var buffer = Data()

    /// The complete lines `data` finishes.
    func append(_ data: Data) -> [String] {
        buffer.append(data)
        var lines: [String] = []
        while let newline = buffer.firstIndex(of: 0x0A) {
            lines.append(String(decoding: buffer[buffer.startIndex..<newline], as: UTF8.self))
            buffer.removeSubrange(buffer.startIndex...newline)
        }
        return lines.filter { !$0.isEmpty }
    }

    /// The unterminated last line, if any.
    func finish() -> [String] {
        defer { buffer.removeAll() }
        let rest = String(decoding: buffer, as: UTF8.self)
        return rest.isEmpty ? [] : [rest]
    }
}

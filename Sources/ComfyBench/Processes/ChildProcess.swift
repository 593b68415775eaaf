import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A program started with `posix_spawn`, whose exit status, CPU time and peak resident memory are read
/// from `wait4` for that child alone: the measurement is the same for a Swift and a Python client.
///
/// Standard input is `/dev/null`; standard output and error go to the files given, so nothing the
/// child prints can block it on a full pipe.
struct ChildProcess: Sendable {
    /// How a child ended and what it cost.
    struct Termination: Sendable {
        /// The exit code, or 128 + the signal number when a signal ended it.
        var status: Int32
        /// User plus system CPU seconds of the child.
        var cpuSeconds: Double
        /// Peak resident set size of the child in KiB: the largest `VmHWM` read from `/proc/PID/status`
        /// while it ran. Not `ru_maxrss`: after `posix_spawn` (vfork) and exec, Linux starts the child's
        /// `ru_maxrss` at the spawning process's own peak, so every child would report at least the harness's RSS.
        var maxRSSKiB: Int
        /// Wall-clock seconds from spawn to reaping, start-up and shutdown included.
        var wallSeconds: Double
    }

    /// The process id.
    let pid: pid_t
    /// The program's path, for messages.
    let executable: String
    private let started: ContinuousClock.Instant

    /// Starts `executable` with `arguments`; throws `BenchError.spawn` when it cannot be started.
    static func spawn(_ executable: String, _ arguments: [String], stdout: URL, stderr: URL) throws(BenchError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let started = ContinuousClock.now
        let result = posix_spawn(&pid, executable, &actions, nil, argv, environ)
        guard result == 0 else {
            throw .spawn(program: executable, reason: String(cString: strerror(result)))
        }
        return ChildProcess(pid: pid, executable: executable, started: started)
    }

    /// Waits for the child to exit, polling every few milliseconds; after `timeout` it is killed and
    /// `BenchError.timedOut` is thrown.
    func wait(timeout: Duration) async throws(BenchError) -> Termination {
        let deadline = started + timeout
        var status: Int32 = 0
        var usage = rusage()
        var peakKiB = 0
        while true {
            peakKiB = max(peakKiB, Self.highWaterMarkKiB(pid))
            let reaped = wait4(pid, &status, WNOHANG, &usage)
            if reaped == pid { break }
            if reaped == -1 && errno != EINTR {
                throw .spawn(program: executable, reason: "wait4: \(String(cString: strerror(errno)))")
            }
            if ContinuousClock.now > deadline {
                kill(pid, SIGKILL)
                _ = wait4(pid, &status, 0, &usage)
                throw .timedOut(program: executable, after: timeout)
            }
            try? await Task.sleep(for: .milliseconds(2))
        }
        let wall = ContinuousClock.now - started
        let signal = status & 0x7F
        let code = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        let cpu = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
            + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return Termination(status: code, cpuSeconds: cpu, maxRSSKiB: peakKiB > 0 ? peakKiB : Int(usage.ru_maxrss),
                           wallSeconds: wall.seconds)
    }

    /// `VmHWM` (peak resident memory of the process's own address space) in KiB, or 0 when unreadable.
    private static func highWaterMarkKiB(_ pid: pid_t) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }) else { return 0 }
        return Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") ?? 0
    }

    /// Sends SIGTERM and reaps the child (SIGKILL after two seconds if it does not go).
    func stop() async {
        kill(pid, SIGTERM)
        do { _ = try await wait(timeout: .seconds(2)) } catch {}
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

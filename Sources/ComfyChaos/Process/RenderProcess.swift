import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One `comfybridge render` child process: started with `posix_spawn`, stdout and stderr sent to
/// files (so a chatty child can never block on a full pipe), killed with SIGKILL on demand, and
/// reaped by its pid only.
struct RenderProcess: Sendable {
    /// How the child ended.
    enum Ending: Sendable, Hashable, CustomStringConvertible {
        /// It exited with this code.
        case exited(Int32)
        /// A signal ended it.
        case signalled(Int32)

        var description: String {
            switch self {
            case .exited(let code): "exit \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }
    }

    let pid: pid_t
    let stdout: URL
    let stderr: URL

    /// Starts `executable` with `arguments`.
    static func spawn(_ executable: URL, _ arguments: [String], stdout: URL, stderr: URL,
                      environment: [String: String]) throws(CampaignError) -> RenderProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable.path] + arguments).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, executable.path, &actions, nil, argv, envp)
        guard result == 0 else {
            throw .setup("cannot start \(executable.path): \(String(cString: strerror(result)))")
        }
        return RenderProcess(pid: pid, stdout: stdout, stderr: stderr)
    }

    /// The child's ending if it has ended (and it is then reaped), else nil.
    func poll() -> Ending? {
        var status: Int32 = 0
        let reaped = waitpid(pid, &status, WNOHANG)
        guard reaped == pid else { return nil }
        return Self.ending(status)
    }

    /// Kills the child with SIGKILL and reaps it.
    func killNow() -> Ending {
        _ = kill(pid, SIGKILL)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return Self.ending(status)
    }

    /// Lines the child has written to stdout so far (its JSON events).
    func outputLines() -> Int {
        guard let data = FileManager.default.contents(atPath: stdout.path) else { return 0 }
        return data.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }

    /// The last non-empty line of stderr (the error a failing render printed), bounded.
    func lastErrorLine() -> String {
        guard let data = FileManager.default.contents(atPath: stderr.path) else { return "" }
        let text = String(decoding: data.suffix(4096), as: UTF8.self)
        return text.split(separator: "\n").last.map(String.init) ?? ""
    }

    private static func ending(_ status: Int32) -> Ending {
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signalled(signal)
    }
}

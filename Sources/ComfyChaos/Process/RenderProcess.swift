import Foundation
import ProcessSupport

/// One `comfybridge render` child process of the chaos campaign: a ``ChildProcess`` whose stdout and
/// stderr go to files (so a chatty child can never block on a full pipe), killed with SIGKILL at the
/// campaign's kill points, plus what the campaign reads of its output.
struct RenderProcess: Sendable {
    /// How the child ended.
    typealias Ending = ChildProcess.Ending

    /// The child.
    let process: ChildProcess
    /// The file its stdout (JSON events) goes to.
    let stdout: URL
    /// The file its stderr goes to.
    let stderr: URL

    /// Starts `executable` with `arguments` and exactly `environment`.
    static func spawn(_ executable: URL, _ arguments: [String], stdout: URL, stderr: URL,
                      environment: [String: String]) throws(CampaignError) -> RenderProcess {
        do {
            let process = try ChildProcess(executable.path, arguments, environment: environment,
                                           stdout: .file(stdout), stderr: .file(stderr))
            return RenderProcess(process: process, stdout: stdout, stderr: stderr)
        } catch {
            throw .setup("\(error)")
        }
    }

    /// The child's ending if it has ended (it is then reaped), else nil.
    func poll() -> Ending? {
        process.poll()?.ending
    }

    /// Kills the child with SIGKILL and reaps it.
    func killNow() -> Ending {
        process.killNow().ending
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
}

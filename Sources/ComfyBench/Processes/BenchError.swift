import Foundation

/// Why a benchmark could not be run (as opposed to a target being missed, which is a result).
enum BenchError: Error, CustomStringConvertible {
    /// A child process could not be started or waited for.
    case spawn(program: String, reason: String)
    /// A child process did not finish in time and was killed.
    case timedOut(program: String, after: Duration)
    /// An emulator process did not report its port.
    case emulatorStart(reason: String)
    /// A client exited with a failure; `log` is the end of its standard error.
    case clientFailed(client: String, status: Int32, log: String)
    /// A client's output was not the JSON object it promises.
    case badClientOutput(client: String, output: String)
    /// Python 3 or its modules are missing and could not be installed.
    case python(String)
    /// A file or folder of the benchmark could not be written or read.
    case file(path: String, reason: String)
    /// The server's history could not be read after a run.
    case history(server: String, reason: String)

    /// One line naming what failed.
    var description: String {
        switch self {
        case .spawn(let program, let reason): "cannot run \(program): \(reason)"
        case .timedOut(let program, let after): "\(program) did not finish within \(after) and was killed"
        case .emulatorStart(let reason): "emulator did not start: \(reason)"
        case .clientFailed(let client, let status, let log): "\(client) client exited with status \(status): \(log)"
        case .badClientOutput(let client, let output): "\(client) client printed no result object: \(output.prefix(300))"
        case .python(let reason): "baseline needs Python 3: \(reason)"
        case .file(let path, let reason): "\(path): \(reason)"
        case .history(let server, let reason): "cannot read /history from \(server): \(reason)"
        }
    }
}

import Foundation
import ProcessSupport

extension ChildProcess {
    /// Starts `executable` with `arguments` for a measurement, standard output and error to the files
    /// given; throws `BenchError.spawn` when it cannot be started.
    static func spawn(_ executable: String, _ arguments: [String], stdout: URL, stderr: URL) throws(BenchError) -> ChildProcess {
        do {
            return try ChildProcess(executable, arguments, stdout: .file(stdout), stderr: .file(stderr))
        } catch {
            throw BenchError(error)
        }
    }

    /// Waits for the child to exit, sampling its peak memory; after `timeout` (from spawn) it is killed and
    /// `BenchError.timedOut` is thrown.
    func measure(timeout: Duration) async throws(BenchError) -> Termination {
        do {
            return try await wait(timeout: timeout, samplingMemory: true)
        } catch {
            throw BenchError(error)
        }
    }
}

extension BenchError {
    /// The harness's error for a child process that could not be started or waited for.
    init(_ error: ChildProcessError) {
        switch error {
        case .spawn(let program, let reason): self = .spawn(program: program, reason: reason)
        case .timedOut(let program, let after): self = .timedOut(program: program, after: after)
        case .cancelled(let program): self = .spawn(program: program, reason: "waiting for it was cancelled; it was killed")
        }
    }
}

extension Duration {
    /// The duration in seconds as a floating-point number.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

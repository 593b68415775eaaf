import Foundation
import UnixSignals

/// Ctrl-C handling for long commands: the first SIGINT cancels the work (which then stops cleanly),
/// a second one ends the process at once with exit code 130.
enum CtrlC {
    /// Runs `work` as a task that the first Ctrl-C cancels; `notice` runs on that first press.
    ///
    /// The work task is awaited before returning, so it never outlives the call. When the caller's
    /// task is cancelled the work is cancelled too.
    static func cancelling<T: Sendable>(notice: @escaping @Sendable () async -> Void,
                                        _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let signals = await UnixSignalsSequence(trapping: .sigint)
        let task = Task { try await work() }
        let watcher = Task {
            var presses = 0
            for await _ in signals {
                presses += 1
                if presses == 1 {
                    task.cancel()
                    await notice()
                } else {
                    exit(ExitStatus.interrupted.rawValue)
                }
            }
        }
        defer { watcher.cancel() }
        return try await withTaskCancellationHandler {
            try await task.value
        } onCancel: {
            task.cancel()
        }
    }
}

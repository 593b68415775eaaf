/// Runs work that must finish within a time limit and fails the test instead of hanging it.
///
/// The work runs in a detached task that is polled, so that a synchronous loop that never ends
/// cannot hold the test: on time-out the test fails at once (the process's `timeout` reaps the
/// stray task).
enum HangGuard {
    /// The work did not finish in time.
    struct Hung: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "did not finish within \(limit)" }
    }

    private actor Outcome<T: Sendable> {
        var result: Result<T, any Error>?
        func finish(_ result: Result<T, any Error>) { self.result = result }
    }

    static func run<T: Sendable>(within limit: Duration, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let outcome = Outcome<T>()
        let work = Task.detached {
            do { await outcome.finish(.success(try await body())) } catch { await outcome.finish(.failure(error)) }
        }
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let result = await outcome.result { return try result.get() }
            try await Task.sleep(for: .milliseconds(20))
        }
        work.cancel()
        throw Hung(limit: limit)
    }
}

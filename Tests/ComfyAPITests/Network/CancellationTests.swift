@testable import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// Every wait of the client ends when its task is cancelled or the client shuts down, whatever the server
/// does; none can keep a caller (or a test process) waiting forever. No test measures time: the pending
/// connect has an hour's timeout, longer than the suite's time limit, so a wait that lasted until it fails the test.
@Suite("Cancellation and shutdown end every wait", .timeLimit(.minutes(10)))
struct CancellationTests {
    @Test("cancelling the task that iterates a run ends it with cancelled while the prompt keeps running")
    func cancelRunWait() async throws {
        try await EmulatorHarness.run { emulator, client in
            let run = try await client.run(EmulatorHarness.probe(steps: 200, stepMS: 50))
            let (started, signal) = AsyncStream<Void>.makeStream()
            let waiter = Task { () -> ComfyError? in
                var iterator = run.makeAsyncIterator()
                do throws(ComfyError) {
                    _ = try await iterator.next()
                    signal.yield()
                    while try await iterator.next() != nil {}
                    return nil
                } catch {
                    return error
                }
            }
            for await _ in started { break }
            waiter.cancel()
            let error = await waiter.value
            guard case .cancelled? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(await client.router.subscribedPromptCount == 0, "the cancelled run must unsubscribe")
            // The prompt itself is untouched: it is still on the server until interrupted.
            let queue = try await client.queue()
            #expect(queue.running.contains { $0.promptID == run.promptID } || queue.isPending(run.promptID))
            try await client.interrupt(promptID: run.promptID)
            _ = emulator
        }
    }

    /// A client whose `connect()` (in `waiter`) is pending: its upgrade request is at a server that never answers.
    static func connectingToSilentServer() async throws -> (HostileServer, ComfyClient, Task<ComfyError?, Never>) {
        let (requests, arrived) = AsyncStream<Void>.makeStream()
        let server = try await HostileServer.start { _ in arrived.yield(); return .silent }
        var configuration = TestSupport.configuration(server.baseURL, attempts: 1)
        configuration.connectTimeout = .seconds(3600)
        let client = try ComfyClient(configuration: configuration, logger: TestSupport.logger)
        let waiter = Task { () -> ComfyError? in
            do throws(ComfyError) { try await client.connect(); return nil } catch { return error }
        }
        for await _ in requests { break }
        return (server, client, waiter)
    }

    @Test("a connect waiting on a server that never answers the upgrade ends at once when cancelled")
    func cancelConnect() async throws {
        let (server, client, waiter) = try await Self.connectingToSilentServer()
        try await withServer(server) { _ in
            waiter.cancel()
            let error = await waiter.value
            guard case .cancelled? = error else { Issue.record("got \(String(describing: error))"); return }
            // The attempt is still pending against the silent server; shutting down must not wait for it.
            await client.shutdown()
            do throws(ComfyError) { try await client.connect(); Issue.record("connect after shutdown succeeded") } catch { #expect(error == .shutDown) }
        }
    }

    @Test("shutting down while a run is awaited against a silent server ends both promptly")
    func shutdownDuringPendingConnect() async throws {
        let (server, client, waiter) = try await Self.connectingToSilentServer()
        try await withServer(server) { _ in
            await client.shutdown()
            let error = await waiter.value
            #expect(error == .shutDown, "got \(String(describing: error))")
        }
    }
}

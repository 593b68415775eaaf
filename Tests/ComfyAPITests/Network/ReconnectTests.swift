@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("Dropped sockets, restarts and lost replies never lose or duplicate a result", .timeLimit(.minutes(10)))
struct ReconnectTests {
    /// Iterates a run to its very end, counting completions (must be exactly one).
    static func drain(_ run: PromptRun) async -> (completions: Int, result: PromptResult?, error: ComfyError?) {
        var completions = 0
        var result: PromptResult?
        var iterator = run.makeAsyncIterator()
        do {
            while let event = try await iterator.next() {
                if case .completed(let r) = event { completions += 1; result = r }
            }
            return (completions, result, nil)
        } catch {
            return (completions, result, error)
        }
    }

    @Test("a socket dropped at any point of a prompt still delivers the result exactly once",
          arguments: [3, 5, 7, 9, 11, 13, 15, 18, 22])
    func dropAtEveryPoint(afterMessages: Int) async throws {
        try await EmulatorHarness.run { emulator, client in
            try await client.connect()
            await emulator.setFaults(FaultPlan(closeSocketsAfterMessages: afterMessages))
            let run = try await client.run(EmulatorHarness.probe(steps: 3, stepMS: 15))
            let (completions, result, error) = await Self.drain(run)
            #expect(error == nil, "\(String(describing: error))")
            #expect(completions == 1)
            #expect(result?.files.isEmpty == false)
            await emulator.setFaults(.none)
            #expect(await emulator.executionCount(promptID: run.promptID) == 1)
        }
    }

    @Test("a socket dropped repeatedly mid-prompt reconnects with the same client id and keeps streaming")
    func dropMidPrompt() async throws {
        try await EmulatorHarness.run { emulator, client in
            try await client.connect()
            await emulator.setFaults(FaultPlan(closeSocketsAfterMessages: 14))
            let run = try await client.run(EmulatorHarness.probe(steps: 40, stepMS: 15))
            var progress: [Double] = []
            var completions = 0
            for try await event in run {
                switch event {
                case .server(.progress(let p)): progress.append(p.value)
                case .completed: completions += 1
                default: break
                }
            }
            await emulator.setFaults(.none)
            #expect(completions == 1)
            #expect(await client.connectionCount >= 3)
            #expect(progress.count < 40, "some progress must have been lost while disconnected")
            #expect(progress.contains { $0 > 20 }, "progress must continue after reconnecting")
            #expect(await emulator.executionCount(promptID: run.promptID) == 1)
        }
    }

    @Test("a server restart that forgets queued prompts reports them lost")
    func restartLosesPrompts() async throws {
        try await EmulatorHarness.run { emulator, client in
            let running = try await client.run(EmulatorHarness.probe(steps: 200, stepMS: 20))
            let queued = try await client.run(EmulatorHarness.probe(steps: 1, stepMS: 1))
            var iterator = running.makeAsyncIterator()
            _ = try await iterator.next()
            await emulator.restart(keepHistory: false)
            var runningError: ComfyError?
            do { while try await iterator.next() != nil {} } catch { runningError = error as? ComfyError }
            let queuedOutcome = await Self.drain(queued)
            guard case .promptLost(let id, _)? = runningError else { Issue.record("running: \(String(describing: runningError))"); return }
            #expect(id == running.promptID)
            guard case .promptLost? = queuedOutcome.error else { Issue.record("queued: \(String(describing: queuedOutcome.error))"); return }
            #expect(await client.connectionCount >= 2)
            let fresh = try await client.run(EmulatorHarness.probe()).result()
            #expect(!fresh.files.isEmpty)
        }
    }

    @Test("a server that goes away for good fails the awaited prompt with a transport error, promptly")
    func serverGone() async throws {
        // Promptly means on the failed reconnect, not at a stall check: the stall timeout is an hour,
        // beyond the suite's time limit, so a run that ended only there would fail the test.
        try await EmulatorHarness.run(client: { $0.stallTimeout = .seconds(3600) }) { emulator, client in
            let run = try await client.run(EmulatorHarness.probe(steps: 200, stepMS: 20))
            var iterator = run.makeAsyncIterator()
            _ = try await iterator.next()
            await emulator.stop()
            var failure: ComfyError?
            do { while try await iterator.next() != nil {} } catch { failure = error as? ComfyError }
            guard case .transport? = failure else { Issue.record("got \(String(describing: failure))"); return }
        }
    }

    @Test("a prompt that finished while the socket was down is finished from history")
    func restartKeepingHistory() async throws {
        try await EmulatorHarness.run { emulator, client in
            let events = await client.events()
            let run = try await client.run(EmulatorHarness.probe(steps: 1, stepMS: 1))
            for await event in events {
                if case .executing(nil, _, run.promptID) = event { break }
            }
            await emulator.restart(keepHistory: true)
            let (completions, result, error) = await Self.drain(run)
            #expect(error == nil)
            #expect(completions == 1)
            #expect(result?.files.isEmpty == false)
        }
    }

    @Test("submits survive HTTP 500s without rendering twice")
    func submitRetries() async throws {
        try await EmulatorHarness.run(client: { $0.retry = RetryPolicy(maxAttempts: 12, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20)) }) { emulator, client in
            try await client.connect()
            await emulator.setFaults(FaultPlan(http500Rate: 0.3, seed: 7))
            var ids: [String] = []
            for i in 0..<8 {
                let run = try await client.run(EmulatorHarness.probe(text: "retry\(i)"))
                ids.append(run.promptID)
                let outcome = await Self.drain(run)
                #expect(outcome.completions == 1, "\(String(describing: outcome.error))")
            }
            await emulator.setFaults(.none)
            for id in ids { #expect(await emulator.executionCount(promptID: id) == 1) }
            #expect(await emulator.executedPromptCount == ids.count)
        }
    }

    @Test("a prompt can be adopted by id from a new client with the same client id")
    func adoptByID() async throws {
        let emulator = ComfyEmulator(logger: EmulatorHarness.emulatorLogger)
        try await emulator.start()
        let configuration = TestSupport.configuration(await emulator.baseURL, clientID: "adopt-\(UUID().uuidString)")
        let first = try ComfyClient(configuration: configuration, logger: TestSupport.logger)
        let run = try await first.run(EmulatorHarness.probe(steps: 20, stepMS: 20))
        await first.shutdown()
        try await TestSupport.withClient(configuration) { second in
            let adopted = try await second.awaitPrompt(id: run.promptID)
            let (completions, result, error) = await Self.drain(adopted)
            #expect(error == nil, "\(String(describing: error))")
            #expect(completions == 1)
            #expect(result?.files.isEmpty == false)
            let again = try await second.awaitPrompt(id: run.promptID).result()
            #expect(again.files == result?.files)
            do {
                _ = try await second.awaitPrompt(id: "never-submitted").result()
                Issue.record("expected promptLost")
            } catch ComfyError.promptLost(let id, _) {
                #expect(id == "never-submitted")
            }
        }
        await emulator.stop()
    }

    @Test("calls after shutdown fail with shutDown and open streams end")
    func shutdownEndsStreams() async throws {
        try await EmulatorHarness.run { _, client in
            let run = try await client.run(EmulatorHarness.probe(steps: 100, stepMS: 20))
            await client.shutdown()
            let outcome = await Self.drain(run)
            #expect(outcome.error == .shutDown)
            await #expect(throws: ComfyError.shutDown) { _ = try await client.queue() }
        }
    }
}

@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("A submitted prompt streams exactly its own events and ends in its history outputs", .timeLimit(.minutes(10)))
struct PromptLifecycleTests {
    @Test("a fresh run streams every event type in order and delivers its files")
    func freshRun() async throws {
        try await EmulatorHarness.run { _, client in
            let run = try await client.run(EmulatorHarness.probe(steps: 3, batch: 2), promptID: "fresh-\(UUID().uuidString)")
            let (events, outcome) = await EmulatorHarness.collect(run)
            let result = try #require(outcome.value, "\(String(describing: outcome.error))")
            let types = events.map(\.typeName)
            for expected in ["execution_start", "execution_cached", "progress_state", "executing", "progress", "executed", "execution_success"] {
                #expect(types.contains(expected), "missing \(expected) in \(types)")
            }
            #expect(types.firstIndex(of: "execution_start")! < types.firstIndex(of: "executing")!)
            #expect(events.allSatisfy { $0.promptID == nil || $0.promptID == run.promptID })
            #expect(events.filter { $0.typeName == "progress" }.count == 3)
            #expect(result.promptID == run.promptID)
            #expect(result.files.count == 2)
            #expect(result.cachedNodes.isEmpty)
        }
    }

    @Test("an identical resubmission is answered from cache and still delivers the outputs")
    func cachedResubmission() async throws {
        try await EmulatorHarness.run { emulator, client in
            let workflow = EmulatorHarness.probe(seed: 4242)
            let first = try await client.run(workflow).result()
            let second = try await client.run(workflow)
            let (events, outcome) = await EmulatorHarness.collect(second)
            let result = try #require(outcome.value, "\(String(describing: outcome.error))")
            #expect(Set(result.cachedNodes) == ["1", "2"])
            #expect(result.files == first.files)
            #expect(!result.files.isEmpty)
            #expect(!events.contains { if case .executing(let node?, _, _) = $0 { return !node.isEmpty }; return false })
            #expect(await emulator.executionCount(promptID: second.promptID) == 1)
            try await client.free(unloadModels: false, freeMemory: true)
            let third = try await client.run(workflow).result()
            #expect(third.cachedNodes.isEmpty, "free_memory must clear the execution cache")
        }
    }

    @Test("concurrent prompts on one client each see only their own events")
    func concurrentPrompts() async throws {
        try await EmulatorHarness.run { _, client in
            let outcomes = try await withThrowingTaskGroup(of: (String, [ServerEvent], Result<PromptResult, ComfyError>).self) { group in
                for i in 0..<6 {
                    group.addTask {
                        let run = try await client.run(EmulatorHarness.probe(steps: 2, text: "c\(i)"), promptID: "concurrent-\(i)-\(UUID().uuidString)")
                        let (events, outcome) = await EmulatorHarness.collect(run)
                        return (run.promptID, events, outcome)
                    }
                }
                var all: [(String, [ServerEvent], Result<PromptResult, ComfyError>)] = []
                for try await item in group { all.append(item) }
                return all
            }
            #expect(outcomes.count == 6)
            for (id, events, outcome) in outcomes {
                #expect(outcome.value?.promptID == id)
                #expect(events.contains { $0.typeName == "execution_start" })
                for event in events { #expect(event.promptID == nil || event.promptID == id, "\(id) got \(event)") }
            }
        }
    }

    @Test("a failing node ends the run with an execution error naming node, type and message")
    func executionError() async throws {
        try await EmulatorHarness.run { _, client in
            let run = try await client.run(EmulatorHarness.failing(message: "probe exploded"))
            let error = await EmulatorHarness.collect(run).outcome.error
            guard case .execution(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(failure.nodeID == "2")
            #expect(failure.nodeType == "ProbeFail")
            #expect(failure.exceptionType == "RuntimeError")
            #expect(failure.exceptionMessage == "probe exploded")
            #expect(!failure.isOutOfMemory)
        }
    }

    @Test("a CUDA out-of-memory is reported as outOfMemory")
    func outOfMemory() async throws {
        try await EmulatorHarness.run { _, client in
            let error = await EmulatorHarness.collect(try await client.run(EmulatorHarness.outOfMemory())).outcome.error
            guard case .outOfMemory(let failure)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(failure.nodeType == "ProbeVRAMLimit")
            #expect(failure.exceptionType.hasSuffix("OutOfMemoryError"))
        }
    }

    @Test("a refused workflow throws a validation error naming node, class and input")
    func validation() async throws {
        try await EmulatorHarness.run { emulator, client in
            var json = EmulatorHarness.probe().json
            guard case .object(var nodes) = json, case .object(var node) = nodes["1"]!, case .object(var inputs) = node["inputs"]! else { return }
            inputs["width"] = 20000
            node["inputs"] = .object(inputs)
            nodes["1"] = .object(node)
            json = .object(nodes)
            do {
                _ = try await client.submit(try Workflow(json: json))
                Issue.record("expected a validation error")
            } catch ComfyError.validation(let failure) {
                let error = try #require(failure.nodeErrors.first)
                #expect(error.nodeID == "1")
                #expect(error.classType == "ProbeImage")
                #expect(error.inputName == "width")
                #expect(error.type == "value_bigger_than_max")
                #expect(ComfyError.validation(failure).description.contains("node 1 (ProbeImage) input width"))
            }
            do {
                _ = try await client.submit(try Workflow(json: ["1": ["class_type": "NoSuchNode", "inputs": [:]], "2": ["class_type": "SaveImage", "inputs": ["images": ["1", 0], "filename_prefix": "x"]]]))
                Issue.record("expected a validation error")
            } catch ComfyError.validation(let failure) {
                #expect(failure.type == "invalid_prompt")
                #expect(failure.nodeID == "1")
            }
            #expect(await emulator.executedPromptCount == 0)
        }
    }

    @Test("interrupting by prompt id and globally ends the run as interrupted")
    func interrupt() async throws {
        try await EmulatorHarness.run { _, client in
            for targeted in [true, false] {
                let run = try await client.run(EmulatorHarness.probe(steps: 200, stepMS: 20))
                var iterator = run.makeAsyncIterator()
                var interruptedError: ComfyError?
                do {
                    while let event = try await iterator.next() {
                        if case .server(.progress) = event {
                            try await client.interrupt(promptID: targeted ? run.promptID : nil)
                        }
                    }
                } catch {
                    interruptedError = error as? ComfyError
                }
                guard case .interrupted(let id, let node, _)? = interruptedError else {
                    Issue.record("got \(String(describing: interruptedError))"); continue
                }
                #expect(id == run.promptID)
                #expect(node == "1")
                let entry = try await client.history(promptID: run.promptID)
                if case .interrupted? = entry?.outcome {} else { Issue.record("history outcome \(String(describing: entry?.outcome))") }
            }
        }
    }

    @Test("a running prompt that sends nothing for the stall timeout fails as stalled")
    func stalled() async throws {
        // The step is silent for 10 s, 25 stall timeouts: the stall is reported long before it ends, however
        // loaded the machine (the emulator's stop waits for the step, so it is not made longer still).
        try await EmulatorHarness.run(client: { $0.stallTimeout = .milliseconds(400) }) { _, client in
            let run = try await client.run(EmulatorHarness.probe(steps: 1, stepMS: 10_000))
            let error = await EmulatorHarness.collect(run).outcome.error
            guard case .stalled(let id, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(id == run.promptID)
            try await client.interrupt()
        }
    }

    @Test("a prompt waiting behind a long one is not considered stalled")
    func queuedIsNotStalled() async throws {
        // The waiting prompt sits in the queue for at least 8 s with no event of its own, more than the two
        // silent checks (2 × 3 s) that would report a running prompt as stalled; the running one reports
        // progress every 200 ms, fifteen times inside one stall timeout, so load cannot make it look stalled.
        try await EmulatorHarness.run(client: { $0.stallTimeout = .seconds(3) }) { _, client in
            let long = try await client.run(EmulatorHarness.probe(steps: 40, stepMS: 200))
            let waiting = try await client.run(EmulatorHarness.probe(steps: 1, stepMS: 1))
            async let first = EmulatorHarness.collect(long)
            let second = await EmulatorHarness.collect(waiting)
            #expect(second.outcome.value != nil, "\(String(describing: second.outcome.error))")
            #expect(await first.outcome.value != nil)
        }
    }

    @Test("two hundred tiny prompts pipelined on one client all complete exactly once")
    func manyTinyPrompts() async throws {
        try await EmulatorHarness.run { emulator, client in
            let total = 200
            // Pipelining shows in the server's queue, not in a stopwatch: the `status` broadcast sent when a
            // prompt is queued reports two or more prompts in the queue only if a prompt was queued before the
            // previous one finished. A client that waited for each prompt before sending the next never would.
            let events = await client.events()
            let deepest = Task { () -> Int in
                var deepest = 0
                for await event in events {
                    if case .status(let remaining?, _) = event { deepest = max(deepest, remaining) }
                }
                return deepest
            }
            let completed = try await withThrowingTaskGroup(of: Int.self) { group in
                var submitted = 0
                var done = 0
                func add() {
                    let i = submitted
                    submitted += 1
                    group.addTask {
                        var completions = 0
                        for try await event in try await client.run(EmulatorHarness.probe(steps: 1, stepMS: 0, text: "tiny\(i)")) {
                            if case .completed = event { completions += 1 }
                        }
                        return completions
                    }
                }
                for _ in 0..<16 { add() }
                for try await completions in group {
                    done += completions
                    if submitted < total { add() }
                }
                return done
            }
            #expect(completed == total)
            #expect(await emulator.executedPromptCount == total)
            deepest.cancel()
            let depth = await deepest.value
            #expect(depth >= 2, "the server never held two of the client's prompts at once (deepest queue \(depth))")
        }
    }
}

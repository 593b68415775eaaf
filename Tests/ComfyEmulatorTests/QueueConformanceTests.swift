import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import Testing

@Suite("Queue, interrupt and prompt ids replay transcripts g, h and m")
struct QueueConformanceTests {
    static func slowProbe(seed: Int, steps: Int = 100, stepMS: Int = 20) -> JSONValue {
        Emulators.probeGraph(seed: seed, steps: steps, stepMS: stepMS, prefix: "transcript_g")
    }

    /// Waits for the `progress` message with `value`.
    static func waitForProgress(_ socket: TestSocket, _ value: Int) async -> [TestFrame] {
        await socket.collect { $0.type == "progress" && $0.data?["value"]?.intValue == value }
    }

    @Test("g: global and targeted interrupts end the run with execution_interrupted; deleting a pending prompt is silent")
    func interrupts() async throws {
        let transcript = try Transcript("g_interrupt")
        let expected = transcript.received(by: "ws")
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "g")
            _ = await socket.next()
            // Part 1: interrupt with no body.
            let first = try #require(try await http.post("/prompt", json: ["prompt": Self.slowProbe(seed: 1), "client_id": "g"]).json?["prompt_id"]?.stringValue)
            var frames = await Self.waitForProgress(socket, 3)
            let interrupt = try await http.request(.POST, "/interrupt")
            #expect(interrupt.status == 200 && interrupt.body.isEmpty)
            frames += await socket.collectRun(first)
            let part1 = Replay.segment(expected, from: { $0["type"] == "status" && $0["data"]?["sid"] == nil }, to: Replay.isFinal)
            #expect(Replay.withoutTicks(Replay.types(frames)) == Replay.withoutTicks(Replay.typeList(part1)))
            let interrupted = try #require(frames.first { $0.type == "execution_interrupted" }?.data)
            let expectedInterrupted = try #require(part1.first { $0["type"] == "execution_interrupted" }?["data"])
            #expect(Shape.of(interrupted) == Shape.of(expectedInterrupted))
            #expect(interrupted["node_id"] == "1" && interrupted["executed"] == [])
            let history = try await http.get("/history/\(first)")
            #expect(history.json?[first]?["status"]?["status_str"] == "error")
            #expect(history.json?[first]?["status"]?["messages"]?[2]?[0] == "execution_interrupted")

            // Part 2: targeted interrupt.
            let second = try #require(try await http.post("/prompt", json: ["prompt": Self.slowProbe(seed: 2), "client_id": "g"]).json?["prompt_id"]?.stringValue)
            _ = await Self.waitForProgress(socket, 2)
            _ = try await http.post("/interrupt", json: ["prompt_id": .string(second)])
            let run2 = await socket.collectRun(second)
            #expect(run2.contains { $0.type == "execution_interrupted" })

            // Part 3: two queued, the pending one deleted, a targeted interrupt naming it does nothing.
            let running = try #require(try await http.post("/prompt", json: ["prompt": Self.slowProbe(seed: 3, stepMS: 30), "client_id": "g"]).json?["prompt_id"]?.stringValue)
            let pending = try #require(try await http.post("/prompt", json: ["prompt": Self.slowProbe(seed: 4), "client_id": "g"]).json?["prompt_id"]?.stringValue)
            _ = await Self.waitForProgress(socket, 1)
            let queue = try await http.get("/queue")
            #expect(queue.json?["queue_running"]?[0]?[1]?.stringValue == running)
            #expect(queue.json?["queue_pending"]?[0]?[1]?.stringValue == pending)
            #expect(queue.json?["queue_running"]?[0]?.arrayValue?.count == 5)
            let delete = try await http.post("/queue", json: ["delete": [.string(pending)]])
            #expect(delete.status == 200 && delete.body.isEmpty)
            #expect(try await http.get("/queue").json?["queue_pending"] == [])
            _ = try await http.post("/interrupt", json: ["prompt_id": .string(pending)])
            let ticks = await Self.waitForProgress(socket, 4)
            #expect(!ticks.contains { $0.type == "execution_interrupted" })
            _ = try await http.post("/interrupt", json: ["prompt_id": .string(running)])
            let run3 = await socket.collectRun(running)
            #expect(run3.contains { $0.type == "execution_interrupted" })
            #expect(try await http.get("/history/\(pending)").json == [:])
            #expect(await emulator.executionCount(promptID: pending) == 0)
            await socket.close()
        }
    }

    @Test("h: /queue, /prompt and /history?max_items have the real shapes while prompts queue up")
    func twoPrompts() async throws {
        let transcript = try Transcript("h_two_prompts_queue")
        let bodies = Replay.promptBodies(transcript, clientID: "h").map { body in
            body.with("prompt", Emulators.probeGraph(seed: Int.random(in: 0..<1_000_000), steps: 8, stepMS: 100, prefix: "transcript_h"))
        }
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "h")
            _ = await socket.next()
            let a = try #require(try await http.post("/prompt", json: bodies[0]).json?["prompt_id"]?.stringValue)
            var frames = await socket.collect { $0.type == "executing" }
            let b = try #require(try await http.post("/prompt", json: bodies[1]).json?["prompt_id"]?.stringValue)
            let queue = try #require(try await http.get("/queue").json)
            let expectedQueue = try #require(transcript.http.first { $0["request"]?["path"] == "/queue" }?["response"]?["json"])
            #expect(Shape.keyless(queue) == Shape.keyless(expectedQueue))
            #expect(try await http.get("/prompt").json == ["exec_info": ["queue_remaining": 2]])
            frames += await socket.collectRun(a)
            frames += await socket.collectRun(b)
            let expected = Replay.segment(transcript.received(by: "ws"), from: { $0["data"]?["sid"] == nil },
                                          to: { Replay.isFinal($0) && $0["data"]?["prompt_id"] == transcript.received(by: "ws").last { Replay.isFinal($0) }?["data"]?["prompt_id"] })
            // The second POST's lone status lands between ticks wherever the HTTP round trip ends, so
            // ticks are compared by count and everything else in exact order.
            #expect(Replay.withoutTicks(Replay.types(frames)) == Replay.withoutTicks(Replay.typeList(expected)))
            #expect(Replay.types(frames).filter { $0 == "progress" }.count == 16)
            let history = try #require(try await http.get("/history?max_items=2").json?.objectValue)
            #expect(history.keys == [a, b])
            let expectedHistory = try #require(transcript.http.last { $0["request"]?["path"] == "/history?max_items=2" }?["response"]?["json"])
            #expect(history.values.map { Shape.keyless($0) } == expectedHistory.objectValue?.values.map { Shape.keyless($0) })
            #expect(try await http.get("/queue").json == ["queue_running": [], "queue_pending": []])
            await socket.close()
        }
    }

    @Test("m: a client-chosen prompt_id is used everywhere, and a duplicate replaces the history entry")
    func clientPromptIDs() async throws {
        let transcript = try Transcript("m_client_prompt_id")
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "m")
            _ = await socket.next()
            var numbers: [JSONValue] = []
            for body in Replay.promptBodies(transcript, clientID: "m") {
                let chosen = try #require(body["prompt_id"]?.stringValue)
                let reply = try await http.post("/prompt", json: body)
                #expect(reply.json?["prompt_id"]?.stringValue == chosen)
                numbers.append(reply.json?["number"] ?? .null)
                let frames = await socket.collectRun(chosen)
                #expect(frames.filter { $0.data?["prompt_id"] != nil }.allSatisfy { $0.data?["prompt_id"]?.stringValue == chosen })
                let history = try await http.get("/history/\(chosen)")
                #expect(history.json?[chosen]?["prompt"]?[2] == body["prompt"])
            }
            #expect(numbers == [0, 1, 2])
            let all = try #require(try await http.get("/history").json?.objectValue)
            #expect(all.count == 2)
            #expect(await emulator.executedPromptCount == 3)
            await socket.close()
        }
    }

    @Test("front and client numbers order the heap like ComfyUI, and /queue clear empties it")
    func priorities() async throws {
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let blocker = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 9, steps: 50, stepMS: 20)]).json?["prompt_id"]?.stringValue)
            let late = try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 10), "prompt_id": "late"])
            let front = try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 11), "prompt_id": "front", "front": true])
            let numbered = try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 12), "prompt_id": "numbered", "number": 7])
            #expect(late.json?["number"] == 1)
            #expect(front.json?["number"] == -2)
            #expect(numbered.json?["number"] == 7.0)
            let pending = try #require(try await http.get("/queue").json?["queue_pending"]?.arrayValue)
            #expect(pending.map { $0[1]?.stringValue ?? "" } == ["front", "late", "numbered"])
            let clear = try await http.post("/queue", json: ["clear": true])
            #expect(clear.status == 200)
            #expect(try await http.get("/queue").json?["queue_pending"] == [])
            _ = try await http.post("/interrupt", json: ["prompt_id": .string(blocker)])
            _ = emulator
        }
    }
}

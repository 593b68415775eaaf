import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import Testing

@Suite("Faults, restarts and lifecycle behave as configured")
struct FaultAndLifecycleTests {
    @Test func http500AndSlowRepliesFollowThePlan() async throws {
        try await Emulators.with { emulator, http in
            await emulator.setFaults(FaultPlan(http500Rate: 1))
            let failed = try await http.get("/system_stats")
            #expect(failed.status == 500)
            #expect(failed.text == "500 Internal Server Error\n\nServer got itself in trouble")
            let refused = try await http.post("/prompt", json: ["prompt": Emulators.probeGraph()])
            #expect(refused.status == 500)
            #expect(await emulator.executedPromptCount == 0)
            await emulator.setFaults(FaultPlan(slowReplyRate: 1, slowReplyDelay: .milliseconds(300)))
            let start = ContinuousClock.now
            #expect(try await http.get("/prompt").status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            await emulator.setFaults(FaultPlan(http500Rate: 0.5, seed: 3))
            var statuses: [Int] = []
            for _ in 0..<20 { statuses.append(try await http.get("/prompt").status) }
            #expect(statuses.contains(500) && statuses.contains(200))
            await emulator.setFaults(FaultPlan(http500Rate: 0.5, seed: 3))
            var again: [Int] = []
            for _ in 0..<20 { again.append(try await http.get("/prompt").status) }
            #expect(again == statuses, "the same seed gives the same faults")
        }
    }

    @Test func socketsCloseAfterTheConfiguredNumberOfFrames() async throws {
        try await Emulators.with(.init(timing: .instant, faults: FaultPlan(closeSocketsAfterMessages: 4))) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "drop")
            _ = await socket.next()
            let id = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(), "client_id": "drop"]).json?["prompt_id"]?.stringValue)
            let frames = await socket.collect { _ in false }
            #expect(frames.filter { $0.type != nil }.count == 3)
            guard case .closed = frames.last else { Issue.record("socket was not closed"); return }
            // The socket that would announce the end is closed, so the history is polled; the deadline
            // only turns a hang into a failure.
            var entry: JSONValue?
            let deadline = ContinuousClock.now + .seconds(60)
            while entry == nil, ContinuousClock.now < deadline {
                entry = try await http.get("/history/\(id)").json?[id]
                if entry == nil { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(entry?["status"]?["status_str"] == "success", "the run finishes without the socket")
            #expect(await emulator.executionCount(promptID: id) == 1)
        }
    }

    @Test func restartDropsQueueAndSocketsOnTheSamePort() async throws {
        try await Emulators.with { emulator, http in
            let port = await emulator.port
            let socket = await TestSocket(port: port, clientID: "r")
            _ = await socket.next()
            let done = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 1), "client_id": "r"]).json?["prompt_id"]?.stringValue)
            _ = await socket.collectRun(done)
            let running = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 2, steps: 100, stepMS: 20), "client_id": "r"]).json?["prompt_id"]?.stringValue)
            let pending = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 3), "client_id": "r"]).json?["prompt_id"]?.stringValue)
            _ = await socket.collect { $0.type == "progress" }
            await emulator.restart(keepHistory: true)
            let tail = await socket.collect { _ in false }
            guard case .closed = tail.last else { Issue.record("socket survived the restart"); return }
            #expect(!tail.contains { $0.type == "execution_interrupted" || $0.type == "execution_error" })
            #expect(await emulator.port == port)
            #expect(try await http.get("/queue").json == ["queue_running": [], "queue_pending": []])
            #expect(try await http.get("/history/\(done)").json?[done] != nil)
            #expect(try await http.get("/history/\(running)").json == [:])
            #expect(try await http.get("/history/\(pending)").json == [:])
            let again = try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 4)])
            #expect(again.json?["number"] == 0, "the counter restarts")
            await emulator.restart(keepHistory: false)
            #expect(try await http.get("/history").json == [:])
            let reconnected = await TestSocket(port: port, clientID: "r")
            #expect(await reconnected.next().type == "status")
            await reconnected.close()
        }
    }

    @Test func manyEmulatorsStartAndStopCleanly() async throws {
        var ports: Set<Int> = []
        for _ in 0..<40 {
            let emulator = ComfyEmulator(configuration: .init(timing: .instant), logger: Emulators.logger)
            try await emulator.start()
            let port = await emulator.port
            #expect(port > 0)
            ports.insert(port)
            let output = await emulator.outputDirectory
            let socket = await TestSocket(port: port, clientID: "x")
            _ = await socket.next()
            await emulator.stop()
            let tail = await socket.next()
            guard case .closed = tail else { Issue.record("socket open after stop"); return }
            #expect(!FileManager.default.fileExists(atPath: output.path), "stop() removes its temporary folders")
            await emulator.stop()
        }
        #expect(ports.count > 1)
    }

    @Test func everyRouteAnswersUnderTheAPIPrefix() async throws {
        try await Emulators.with { emulator, http in
            #expect(try await http.get("/api/prompt").json == ["exec_info": ["queue_remaining": 0]])
            #expect(try await http.get("/api/features").status == 200)
            #expect(try await http.get("/api/object_info/NoSuchNode").json == [:])
            #expect(try await http.get("/api/models/checkpoints").status == 200)
            #expect(try await http.get("/nope").status == 404)
            let reply = try await http.post("/api/prompt", json: ["prompt": Emulators.probeGraph(), "client_id": "api"])
            #expect(reply.status == 200)
            let socket = await TestSocket(port: await emulator.port, clientID: "api2", path: "/api/ws")
            #expect(await socket.next().type == "status")
            await socket.close()
            #expect(try await http.post("/history", json: ["clear": true]).status == 200)
            #expect(try await http.request(.POST, "/free").status == 500, "POST /free without a body is a 500 on the real server")
            #expect(try await http.get("/history?max_items=abc").status == 500)
        }
    }

    @Test func previewFramesFollowTheNegotiatedFormat() async throws {
        try await Emulators.with(.init(timing: .instant, previews: true)) { emulator, http in
            let port = await emulator.port
            let plain = await TestSocket(port: port, clientID: "plain")
            _ = await plain.next()
            let id1 = try #require(try await http.post("/prompt", json: ["prompt": Emulators.ksamplerGraph(seed: 1, steps: 2), "client_id": "plain"]).json?["prompt_id"]?.stringValue)
            let frames1 = await plain.collectRun(id1)
            let ticks1 = Replay.types(frames1).filter { $0 == "progress" || $0.hasPrefix("binary") }
            #expect(ticks1 == ["progress", "binary:1", "progress", "binary:1"])
            if case .binary(let bytes)? = frames1.first(where: { if case .binary = $0 { return true }; return false }) {
                #expect(Array(bytes.prefix(8)) == [0, 0, 0, 1, 0, 0, 0, 2])
                #expect(Array(bytes[8..<12]) == [0x89, 0x50, 0x4E, 0x47])
            }
            await plain.close()
            let meta = await TestSocket(port: port, clientID: "meta", firstFrame: #"{"type":"feature_flags","data":{"supports_preview_metadata":true}}"#)
            _ = await meta.next()
            _ = await meta.next()
            let id2 = try #require(try await http.post("/prompt", json: ["prompt": Emulators.ksamplerGraph(seed: 2, steps: 2), "client_id": "meta"]).json?["prompt_id"]?.stringValue)
            let frames2 = await meta.collectRun(id2)
            #expect(Replay.types(frames2).filter { $0 == "progress" || $0.hasPrefix("binary") } == ["binary:4", "progress", "binary:4", "progress"])
            if case .binary(let bytes)? = frames2.first(where: { if case .binary = $0 { return true }; return false }) {
                let length = Int(bytes[4]) << 24 | Int(bytes[5]) << 16 | Int(bytes[6]) << 8 | Int(bytes[7])
                let metadata = try JSONValue.parse(Array(bytes[8..<(8 + length)]))
                #expect(metadata["prompt_id"]?.stringValue == id2)
                #expect(metadata["node_id"] == "3")
            }
            // A prompt can turn previews off.
            let id3 = try #require(try await http.post("/prompt", json: ["prompt": Emulators.ksamplerGraph(seed: 3, steps: 2), "client_id": "meta",
                                                                          "extra_data": ["preview_method": "none"]]).json?["prompt_id"]?.stringValue)
            #expect(!Replay.types(await meta.collectRun(id3)).contains { $0.hasPrefix("binary") })
            await meta.close()
        }
    }

    /// How fast they flow is `comfybridge-bench`'s business; here only that every one runs, once.
    @Test func hundredsOfTinyPromptsAllRun() async throws {
        try await Emulators.with { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "bulk")
            _ = await socket.next()
            var last = ""
            for i in 0..<200 {
                let graph: JSONValue = ["1": ["class_type": "EmptyImage", "inputs": ["width": 8, "height": 8, "batch_size": 1, "color": .int(i)]],
                                        "2": ["class_type": "SaveImage", "inputs": ["images": ["1", 0], "filename_prefix": "bulk"]]]
                last = try #require(try await http.post("/prompt", json: ["prompt": graph, "client_id": "bulk"]).json?["prompt_id"]?.stringValue)
            }
            _ = await socket.collectRun(last)
            #expect(await emulator.executedPromptCount == 200)
            await socket.close()
        }
    }
}

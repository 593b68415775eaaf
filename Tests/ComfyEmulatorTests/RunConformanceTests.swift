import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("Prompt runs replay transcripts b, c, e and f message for message")
struct RunConformanceTests {
    /// Runs each prompt body of `transcript` in turn on one socket; returns the frames of each run.
    func replayRuns(_ name: String, configuration: EmulatorConfiguration = .init(timing: .instant)) async throws
        -> (transcript: Transcript, runs: [[TestFrame]], ids: [String], http: TestHTTP, emulator: ComfyEmulator?)
    {
        let transcript = try Transcript(name)
        var runs: [[TestFrame]] = []
        var ids: [String] = []
        // The real server's last /history/{id} reply for each prompt, in submission order.
        var expectedHistory: [JSONValue] = []
        var seen: [String] = []
        for event in transcript.http {
            guard let path = event["request"]?["path"]?.stringValue, path.hasPrefix("/history/"),
                  let reply = event["response"]?["json"]?.objectValue, let entry = reply.values.first else { continue }
            let id = String(path.dropFirst("/history/".count))
            if let i = seen.firstIndex(of: id) { expectedHistory[i] = entry } else { seen.append(id); expectedHistory.append(entry) }
        }
        try await Emulators.with(configuration) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "replay")
            #expect(await socket.next().data?["sid"] == "replay")
            for body in Replay.promptBodies(transcript, clientID: "replay") {
                let reply = try await http.post("/prompt", json: body)
                #expect(reply.status == 200)
                let id = try #require(reply.json?["prompt_id"]?.stringValue)
                ids.append(id)
                runs.append(await socket.collectRun(id))
                let history = try await http.get("/history/\(id)")
                let entry = try #require(history.json?[id])
                if expectedHistory.indices.contains(ids.count - 1) {
                    #expect(Shape.keyless(entry) == Shape.keyless(expectedHistory[ids.count - 1]), "history of run \(ids.count)")
                    #expect(entry["status"]?["messages"]?.arrayValue?.map { $0[0] } == expectedHistory[ids.count - 1]["status"]?["messages"]?.arrayValue?.map { $0[0] })
                }
            }
            await socket.close()
        }
        return (transcript, runs, ids, TestHTTP(port: 0), nil)
    }

    @Test("b: a fresh probe run sends the same messages in the same order with the same shapes")
    func freshRun() async throws {
        let (transcript, runs, _, _, _) = try await replayRuns("b_probe_run")
        let expected = Replay.segment(transcript.received(by: "ws"), from: { $0["data"]?["sid"] == nil }, to: Replay.isFinal)
        #expect(Replay.types(runs[0]) == Replay.typeList(expected))
        Replay.expectSameShapes(runs[0], expected)
    }

    @Test("c: an identical resubmission is answered from cache with the first run's files")
    func cachedRun() async throws {
        let (transcript, runs, _, _, _) = try await replayRuns("c_probe_cached")
        let all = transcript.received(by: "ws")
        let finals = all.indices.filter { Replay.isFinal(all[$0]) }
        let first = Array(all[1...finals[0]])
        let second = Array(all[(finals[0] + 1)...finals[1]])
        #expect(Replay.types(runs[0]) == Replay.typeList(first))
        #expect(Replay.types(runs[1]) == Replay.typeList(second))
        Replay.expectSameShapes(runs[1], second)
        let cached = runs[1].first { $0.type == "execution_cached" }?.data?["nodes"]
        #expect(cached == ["1", "2"])
        let firstFiles = runs[0].first { $0.type == "executed" }?.data?["output"]
        let secondFiles = runs[1].first { $0.type == "executed" }?.data?["output"]
        #expect(firstFiles != nil && firstFiles == secondFiles)
    }

    @Test("e: a node that raises ends the run with execution_error and an error history entry")
    func executionError() async throws {
        let (transcript, runs, _, _, _) = try await replayRuns("e_execution_error")
        let expected = Replay.segment(transcript.received(by: "ws"), from: { $0["data"]?["sid"] == nil }, to: Replay.isFinal)
        #expect(Replay.types(runs[0]) == Replay.typeList(expected))
        Replay.expectSameShapes(runs[0], expected)
        let error = try #require(runs[0].first { $0.type == "execution_error" }?.data)
        #expect(error["exception_message"] == "deliberate probe failure\n")
        #expect(error["exception_type"] == "RuntimeError")
        #expect(error["executed"] == ["1"])
        #expect(error["node_id"] == "3")
    }

    @Test("f: out of memory fails with the CUDA OOM shape, a smaller batch then succeeds")
    func outOfMemory() async throws {
        let (transcript, runs, _, _, _) = try await replayRuns("f_oom_error")
        let all = transcript.received(by: "ws")
        let finals = all.indices.filter { Replay.isFinal(all[$0]) }
        #expect(Replay.types(runs[0]) == Replay.typeList(Array(all[1...finals[0]])))
        #expect(Replay.types(runs[1]) == Replay.typeList(Array(all[(finals[0] + 1)...finals[1]])))
        Replay.expectSameShapes(runs[0], Array(all[1...finals[0]]))
        let error = try #require(runs[0].first { $0.type == "execution_error" }?.data)
        let expected = try #require(all.first { $0["type"] == "execution_error" }?["data"])
        #expect(error["exception_type"] == "torch.OutOfMemoryError")
        #expect(error["exception_message"] == expected["exception_message"])
    }

    @Test("the emulator's own VRAM limit fails a too-large batch with the OOM shape")
    func vramLimit() async throws {
        let config = EmulatorConfiguration(timing: .instant, vramBytes: 4 << 30)
        try await Emulators.with(config) { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "oom")
            _ = await socket.next()
            let big = try await http.post("/prompt", json: ["prompt": Emulators.ksamplerGraph(width: 1024, height: 1024, batch: 4), "client_id": "oom"])
            let bigID = try #require(big.json?["prompt_id"]?.stringValue)
            let frames = await socket.collectRun(bigID)
            let error = try #require(frames.first { $0.type == "execution_error" }?.data)
            #expect(error["exception_type"] == "torch.OutOfMemoryError")
            #expect(error["exception_message"]?.stringValue?.hasPrefix("CUDA out of memory. Tried to allocate") == true)
            #expect(error["exception_message"]?.stringValue?.hasSuffix(OutOfMemoryTip.text) == true)
            let small = try await http.post("/prompt", json: ["prompt": Emulators.ksamplerGraph(width: 512, height: 512, batch: 1), "client_id": "oom"])
            let smallID = try #require(small.json?["prompt_id"]?.stringValue)
            let okFrames = await socket.collectRun(smallID)
            #expect(okFrames.contains { $0.type == "execution_success" })
            await socket.close()
        }
    }
}

enum OutOfMemoryTip {
    static let text = "This error means you ran out of memory on your GPU.\n\nTIPS: If the workflow worked before you might have accidentally set the batch_size to a large number."
}

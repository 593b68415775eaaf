import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("WebSocket sessions replay transcripts a, l and n")
struct SocketConformanceTests {
    @Test("a: the greeting carries the sid (made up without clientId) and feature_flags is answered")
    func connectThreeWays() async throws {
        let transcript = try Transcript("a_ws_connect")
        try await Emulators.with { emulator, _ in
            let port = await emulator.port
            let anonymous = await TestSocket(port: port, clientID: nil)
            let greeting = await anonymous.next()
            let sid = try #require(greeting.data?["sid"]?.stringValue)
            #expect(sid.count == 32 && sid.allSatisfy(\.isHexDigit))
            #expect(Shape.of(try #require(greeting.json)) == Shape.of(transcript.received(by: "ws_no_client_id")[0]))
            await anonymous.close()

            let named = await TestSocket(port: port, clientID: "acceptance-client")
            #expect(await named.next().json == ["type": "status", "data": ["status": ["exec_info": ["queue_remaining": 0]], "sid": "acceptance-client"]])
            await named.close()

            let flags = await TestSocket(port: port, clientID: "ff", firstFrame: #"{"type": "feature_flags", "data": {"supports_preview_metadata": true}}"#)
            #expect(await flags.next().type == "status")
            let reply = await flags.next()
            #expect(reply.json == transcript.received(by: "ws_feature_flags")[1])
            await flags.send(#"{"type": "feature_flags", "data": {}}"#)
            #expect(await flags.next(timeout: .milliseconds(300)).type == nil, "a second feature_flags gets no reply")
            await flags.close()
        }
    }

    @Test("l: reconnecting with the same clientId mid-run gets status then a bare executing, and the rest of the run")
    func reconnect() async throws {
        let transcript = try Transcript("l_ws_reconnect")
        let expectedReconnect = transcript.received(by: "ws_reconnected")
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let port = await emulator.port
            let first = await TestSocket(port: port, clientID: "l")
            _ = await first.next()
            let id = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 5, steps: 20, stepMS: 40), "client_id": "l"]).json?["prompt_id"]?.stringValue)
            _ = await first.collect { $0.type == "progress" && $0.data?["value"] == 3 }
            await first.close()
            let second = await TestSocket(port: port, clientID: "l")
            let greeting = await second.next()
            #expect(greeting.json == expectedReconnect[0].with("data", ["status": ["exec_info": ["queue_remaining": 1]], "sid": "l"]))
            let bare = await second.next()
            #expect(bare.json == ["type": "executing", "data": ["node": "1"]])
            let rest = await second.collectRun(id)
            #expect(Replay.withoutTicks(Replay.types(rest)) == Replay.withoutTicks(Replay.typeList(Array(expectedReconnect.dropFirst(2)))))
            await second.close()

            // Part 2: reopened only after the prompt finished: just the greeting.
            let third = await TestSocket(port: port, clientID: "l")
            #expect(await third.next().type == "status")
            let id2 = try #require(try await http.post("/prompt", json: ["prompt": Emulators.probeGraph(seed: 6, steps: 2), "client_id": "l"]).json?["prompt_id"]?.stringValue)
            let thirdFrames = await third.collectRun(id2)
            #expect(Replay.types(thirdFrames).last == "executing")
            await third.close()
            let late = await TestSocket(port: port, clientID: "l")
            #expect(await late.next().type == "status")
            #expect(await late.next(timeout: .milliseconds(300)).type == nil)
            await late.close()
            #expect(try await http.get("/history/\(id)").json?[id]?["status"]?["status_str"] == "success")
        }
    }

    @Test("n: events go to the submitter's socket only; without client_id only progress is broadcast")
    func otherClients() async throws {
        let transcript = try Transcript("n_other_clients")
        try await Emulators.with(.init(timing: .instant)) { emulator, http in
            let port = await emulator.port
            let a = await TestSocket(port: port, clientID: "client-a")
            let b = await TestSocket(port: port, clientID: "client-b")
            _ = await a.next()
            _ = await b.next()
            let bodies = Replay.promptBodies(transcript, clientID: "client-a")
            let id1 = try #require(try await http.post("/prompt", json: bodies[0]).json?["prompt_id"]?.stringValue)
            let aRun = await a.collectRun(id1)
            let expectedA = transcript.received(by: "ws_A")
            let aFinal = expectedA.firstIndex(where: Replay.isFinal)!
            #expect(Replay.types(aRun) == Replay.typeList(Array(expectedA[1...aFinal])))
            let bStatuses = await b.collect { $0.type == "status" && $0.data?["status"]?["exec_info"]?["queue_remaining"] == 0 }
            #expect(Replay.types(bStatuses) == ["status", "status", "status"])

            let id2 = try #require(try await http.post("/prompt", json: bodies[1]).json?["prompt_id"]?.stringValue)
            let stop: @Sendable (TestFrame) -> Bool = { $0.type == "status" && $0.data?["status"]?["exec_info"]?["queue_remaining"] == 0 }
            let aPart2 = await a.collect(until: stop)
            let bPart2 = await b.collect(until: stop)
            let expectedA2 = Array(expectedA[(aFinal + 1)...])
            #expect(Replay.types(aPart2) == Replay.typeList(expectedA2))
            #expect(Replay.types(bPart2) == Replay.types(aPart2))
            #expect(!aPart2.contains { ["execution_start", "executing", "executed", "execution_success"].contains($0.type ?? "") })
            let history = try #require(try await http.get("/history/\(id2)").json?[id2])
            #expect(history["prompt"]?[3]?["client_id"] == nil)
            await a.close()
            await b.close()
        }
    }
}

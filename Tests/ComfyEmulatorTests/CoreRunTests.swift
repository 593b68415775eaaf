import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("A submitted prompt runs with ComfyUI's message order")
struct CoreRunTests {
    @Test func probePromptRunsAndIsRecordedInHistory() async throws {
        try await Emulators.with { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "client-a")
            let hello = await socket.next()
            #expect(hello.type == "status")
            #expect(hello.data?["sid"] == "client-a")
            let body: JSONValue = ["prompt": Emulators.probeGraph(steps: 3, batch: 2), "client_id": "client-a"]
            let reply = try await http.post("/prompt", json: body)
            #expect(reply.status == 200)
            let promptID = try #require(reply.json?["prompt_id"]?.stringValue)
            #expect(reply.json?["number"] == 0)
            let frames = await socket.collectRun(promptID)
            let types = frames.compactMap(\.type)
            #expect(types == ["status", "status", "execution_start", "execution_cached", "progress_state", "executing",
                              "progress_state", "progress", "progress_state", "progress", "progress_state", "progress",
                              "progress_state", "progress_state", "executing", "executed", "progress_state",
                              "execution_success", "status", "executing"])
            let history = try await http.get("/history/\(promptID)")
            let entry = try #require(history.json?[promptID])
            #expect(entry["status"]?["status_str"] == "success")
            let images = try #require(entry["outputs"]?["2"]?["images"]?.arrayValue)
            #expect(images.count == 2)
            let name = try #require(images.first?["filename"]?.stringValue)
            let view = try await http.get("/view?filename=\(name)&subfolder=&type=output")
            #expect(view.status == 200)
            #expect(Array(view.body.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            #expect(await emulator.executedPromptCount == 1)
            await socket.close()
        }
    }
}

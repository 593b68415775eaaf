import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import Testing

@Suite("Unchanged nodes are answered from cache between prompts, like the classic cache")
struct CachingTests {
    static func run(_ http: TestHTTP, _ socket: TestSocket, _ graph: JSONValue) async throws -> [TestFrame] {
        let id = try #require(try await http.post("/prompt", json: ["prompt": graph, "client_id": "cache"]).json?["prompt_id"]?.stringValue)
        return await socket.collectRun(id)
    }

    static func ran(_ frames: [TestFrame]) -> [String] {
        frames.filter { $0.type == "executing" }.compactMap { $0.data?["node"]?.stringValue }
    }

    @Test func aChangedSeedRerunsOnlyTheAffectedNodes() async throws {
        try await Emulators.with { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "cache")
            _ = await socket.next()
            let first = try await Self.run(http, socket, Emulators.ksamplerGraph(seed: 1))
            #expect(Self.ran(first) == ["4", "5", "7", "6", "3", "8", "9"])
            let second = try await Self.run(http, socket, Emulators.ksamplerGraph(seed: 2))
            #expect(second.first { $0.type == "execution_cached" }?.data?["nodes"] == ["4", "6", "7", "5"])
            #expect(Self.ran(second) == ["3", "8", "9"])
            let third = try await Self.run(http, socket, Emulators.ksamplerGraph(seed: 2))
            #expect(Self.ran(third).isEmpty)
            #expect(third.filter { $0.type == "executed" }.count == 1)
            // free_memory empties the cache; unload_models alone does not.
            _ = try await http.post("/free", json: ["unload_models": true])
            #expect(Self.ran(try await Self.run(http, socket, Emulators.ksamplerGraph(seed: 2))).isEmpty)
            _ = try await http.post("/free", json: ["free_memory": true])
            #expect(Self.ran(try await Self.run(http, socket, Emulators.ksamplerGraph(seed: 2))).count == 7)
            await socket.close()
        }
    }

    @Test func aFullyCachedPromptWithoutClientIDHasEmptyHistoryOutputs() async throws {
        try await Emulators.with { _, http in
            let graph = Emulators.probeGraph(seed: 77)
            _ = try await http.post("/prompt", json: ["prompt": graph, "prompt_id": "first"])
            _ = try await http.post("/prompt", json: ["prompt": graph, "prompt_id": "second"])
            // No client id, so no socket hears the end: the history is polled; the deadline only turns a hang into a failure.
            var second: JSONValue?
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                second = try await http.get("/history/second").json?["second"]
                if second != nil { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(second?["outputs"] == [:])
            #expect(try await http.get("/history/first").json?["first"]?["outputs"]?["2"] != nil)
        }
    }

    @Test func flux2GraphRunsAndWritesDeterministicImagesAtTheRequestedSize() async throws {
        try await Emulators.with { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "cache")
            _ = await socket.next()
            let frames = try await Self.run(http, socket, Emulators.flux2Graph(width: 256, height: 192, batch: 2))
            let images = try #require(frames.first { $0.type == "executed" }?.data?["output"]?["images"]?.arrayValue)
            #expect(images.count == 2)
            var first: [UInt8] = []
            for image in images {
                let view = try await http.get("/view?filename=\(image["filename"]!.stringValue!)&subfolder=&type=output")
                #expect(view.body[16..<24].elementsEqual([0, 0, 1, 0, 0, 0, 0, 192]))
                if first.isEmpty { first = view.body }
            }
            _ = try await http.post("/free", json: ["free_memory": true])
            let again = try await Self.run(http, socket, Emulators.flux2Graph(width: 256, height: 192, batch: 2))
            let name = try #require(again.first { $0.type == "executed" }?.data?["output"]?["images"]?[0]?["filename"]?.stringValue)
            #expect(try await http.get("/view?filename=\(name)&type=output").body == first, "same seed, text and size give the same image")
            await socket.close()
        }
    }

    @Test func uploadedImagesFeedLoadImage() async throws {
        try await Emulators.with { emulator, http in
            let png = ImageFixtures.png(width: 40, height: 30, color: 0x123456)
            let m = FilesAndInfoConformanceTests.multipart([("subfolder", "clients/a")], file: ("image", "up.png", png))
            let upload = try await http.request(.POST, "/upload/image", body: m.body, contentType: m.type)
            #expect(upload.json == ["name": "up.png", "subfolder": "clients/a", "type": "input"])
            let socket = await TestSocket(port: await emulator.port, clientID: "cache")
            _ = await socket.next()
            let graph: JSONValue = ["1": ["class_type": "LoadImage", "inputs": ["image": "clients/a/up.png"]],
                                    "2": ["class_type": "ImageScale", "inputs": ["image": ["1", 0], "upscale_method": "nearest-exact", "width": 20, "height": 0, "crop": "disabled"]],
                                    "3": ["class_type": "SaveImage", "inputs": ["images": ["2", 0], "filename_prefix": "loaded"]]]
            let frames = try await Self.run(http, socket, graph)
            let name = try #require(frames.first { $0.type == "executed" }?.data?["output"]?["images"]?[0]?["filename"]?.stringValue)
            let view = try await http.get("/view?filename=\(name)")
            #expect(view.body[16..<24].elementsEqual([0, 0, 0, 20, 0, 0, 0, 15]))
            let missing = try await http.post("/prompt", json: ["prompt": graph.with("1", ["class_type": "LoadImage", "inputs": ["image": "nope.png"]])])
            #expect(missing.status == 400)
            #expect(missing.json?["node_errors"]?["1"]?["errors"]?[0]?["details"] == "image - Invalid image file: nope.png")
            await socket.close()
        }
    }
}

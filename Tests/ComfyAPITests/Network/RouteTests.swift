@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("Every HTTP route works against the emulator over loopback", .timeLimit(.minutes(10)))
struct RouteTests {
    @Test("information routes: object info, system stats, features, embeddings, models, queue counter")
    func information() async throws {
        try await EmulatorHarness.run { _, client in
            let all = try await client.objectInfo()
            #expect(all["KSampler"] != nil && all["ProbeImage"] != nil)
            #expect(try await client.objectInfo(nodeClass: "SaveImage")?["output_node"]?.boolValue == true)
            #expect(try await client.objectInfo(nodeClass: "NoSuchNode") == nil)
            let stats = try await client.systemStats()
            #expect(stats.devices.count == 1)
            #expect(stats.comfyUIVersion != nil)
            let features = try await client.features()
            #expect(features.supportsPreviewMetadata)
            #expect(try await client.embeddings() == [])
            #expect(try await client.modelFolders().contains("checkpoints"))
            #expect(try await client.models(in: "checkpoints")?.contains("random_sd15.safetensors") == true)
            #expect(try await client.models(in: "no_such_folder") == nil)
            #expect(try await client.queueRemaining() == 0)
            try await client.free(unloadModels: true, freeMemory: true)
        }
    }

    @Test("queue: read in execution order, delete a pending prompt (its run is reported lost), clear")
    func queueRoutes() async throws {
        // A deleted prompt is found lost at a stall check, so the stall timeout is short, but ten times the
        // long prompt's progress interval so load cannot make it look stalled; it runs until interrupted.
        try await EmulatorHarness.run(client: { $0.stallTimeout = .seconds(3) }) { _, client in
            let long = try await client.run(EmulatorHarness.probe(steps: 200, stepMS: 300))
            let a = try await client.run(EmulatorHarness.probe(text: "a"))
            let b = try await client.run(EmulatorHarness.probe(text: "b"), options: SubmitOptions(front: true))
            let c = try await client.run(EmulatorHarness.probe(text: "c"))
            let snapshot = try await client.queue()
            #expect(snapshot.pending.map(\.promptID) == [b.promptID, a.promptID, c.promptID])
            #expect(snapshot.pending.allSatisfy { $0.clientID == client.configuration.clientID })
            try await client.deleteFromQueue([a.promptID])
            guard case .promptLost? = await EmulatorHarness.collect(a).outcome.error else { Issue.record("a should be lost"); return }
            try await client.clearQueue()
            #expect(try await client.queue().pending.isEmpty)
            try await client.interrupt()
            guard case .interrupted? = await EmulatorHarness.collect(long).outcome.error else { Issue.record("long should be interrupted"); return }
            for run in [b, c] {
                guard case .promptLost? = await EmulatorHarness.collect(run).outcome.error else { Issue.record("\(run.promptID) should be lost"); continue }
            }
        }
    }

    @Test("history: one, recent, delete, clear")
    func historyRoutes() async throws {
        try await EmulatorHarness.run { _, client in
            var ids: [String] = []
            for i in 0..<3 { ids.append(try await client.run(EmulatorHarness.probe(text: "h\(i)")).result().promptID) }
            let one = try #require(try await client.history(promptID: ids[0]))
            #expect(one.outcome == .success)
            #expect(!one.files.isEmpty)
            #expect(try await client.history(maxItems: 2).map(\.promptID) == Array(ids.suffix(2)))
            #expect(try await client.history().count == 3)
            try await client.deleteHistory([ids[1]])
            #expect(try await client.history(promptID: ids[1]) == nil)
            try await client.clearHistory()
            #expect(try await client.history().isEmpty)
        }
    }

    @Test("view streams an output file to a URL and to a file handle")
    func view() async throws {
        try await EmulatorHarness.run { emulator, client in
            let result = try await client.run(EmulatorHarness.probe()).result()
            let file = try #require(result.files.first)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("comfyapi-view-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let destination = directory.appendingPathComponent("out.png")
            let written = try await client.view(file, to: destination)
            let bytes = try Data(contentsOf: destination)
            #expect(written == bytes.count)
            #expect(Array(bytes.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
            let outputDirectory = await emulator.outputDirectory
            let onServer = try Data(contentsOf: outputDirectory.appendingPathComponent(file.subfolder).appendingPathComponent(file.filename))
            #expect(onServer == bytes)
            let second = directory.appendingPathComponent("handle.png")
            #expect(FileManager.default.createFile(atPath: second.path, contents: nil))
            let handle = try FileHandle(forWritingTo: second)
            try await client.view(file, to: handle)
            try handle.close()
            #expect(try Data(contentsOf: second) == bytes)
            do {
                try await client.view(OutputFile(nodeID: "2", filename: "missing.png"), to: directory.appendingPathComponent("m.png"))
                Issue.record("expected 404")
            } catch ComfyError.httpStatus(_, 404, _) {}
        }
    }

    @Test("upload: multipart with subfolder, rename on conflict, overwrite")
    func upload() async throws {
        try await EmulatorHarness.run { _, client in
            let result = try await client.run(EmulatorHarness.probe()).result()
            let file = try #require(result.files.first)
            let destination = FileManager.default.temporaryDirectory.appendingPathComponent("comfyapi-up-\(UUID().uuidString).png")
            defer { try? FileManager.default.removeItem(at: destination) }
            try await client.view(file, to: destination)
            let png = Array(try Data(contentsOf: destination))
            let first = try await client.uploadImage(png, filename: "up.png", subfolder: "clients/a")
            #expect(first.name == "up.png")
            #expect(first.subfolder == "clients/a")
            #expect(first.loadImageValue == "clients/a/up.png")
            let same = try await client.uploadImage(png, filename: "up.png", subfolder: "clients/a")
            #expect(same.name == "up.png")
            var other = png
            other[other.count - 1] ^= 0xFF
            let renamed = try await client.uploadImage(other, filename: "up.png", subfolder: "clients/a")
            #expect(renamed.name == "up (1).png")
            let replaced = try await client.uploadImage(other, filename: "up.png", subfolder: "clients/a", overwrite: true)
            #expect(replaced.name == "up.png")
        }
    }
}

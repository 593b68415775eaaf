@testable import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

@Suite("upload(image:) sends a file to /upload/image and returns the name the server kept")
struct UploadTests {
    static func file(_ bytes: String, named name: String = "key.png") throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("upload-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(bytes.utf8).write(to: url)
        return url
    }

    @Test func theServersNameIsReturnedAndLoadImageReadsIt() async throws {
        try await EmulatorHarness.run { emulator, client in
            let first = try await client.upload(image: try Self.file("first"), name: "shot.png", subfolder: "storycore")
            #expect(first == UploadedFile(name: "shot.png", subfolder: "storycore", type: "input"))
            let other = try await client.upload(image: try Self.file("second"), name: "shot.png", subfolder: "storycore")
            #expect(other.name == "shot (1).png", "other bytes under a taken name are renamed")
            #expect(other.loadImageValue == "storycore/shot (1).png")
            let same = try await client.upload(image: try Self.file("first"), name: "shot.png", subfolder: "storycore")
            #expect(same.name == "shot.png", "identical bytes keep the existing file")
            let replaced = try await client.upload(image: try Self.file("third"), name: "shot.png", subfolder: "storycore", overwrite: true)
            #expect(replaced.name == "shot.png")
            let stored = await emulator.inputDirectory.appendingPathComponent("storycore/shot.png")
            #expect(String(decoding: try Data(contentsOf: stored), as: UTF8.self) == "third")

            let graph = try Workflow(json: [
                "1": ["class_type": "LoadImage", "inputs": ["image": .string(other.loadImageValue)]],
                "2": ["class_type": "SaveImage", "inputs": ["images": ["1", 0], "filename_prefix": "api_test/loaded"]],
            ])
            let result = try await client.submit(graph).result()
            #expect(!result.files.isEmpty, "LoadImage found the upload by the returned name")
        }
    }

    @Test func badNamesAndOversizedFilesAreRefusedBeforeAnythingIsSent() async throws {
        try await EmulatorHarness.run { emulator, client in
            let url = try Self.file(String(repeating: "x", count: 2048))
            await #expect(throws: ComfyError.self) { _ = try await client.upload(image: url, maxBytes: 1024) }
            do {
                _ = try await client.upload(image: url, maxBytes: 1024)
            } catch let error as ComfyError {
                guard case .invalidArgument(let reason) = error else { Issue.record("\(error)"); return }
                #expect(reason.contains("2048 bytes") && reason.contains("1024"))
            }
            for name in ["", "../escape.png", "a/b.png", ".."] {
                await #expect(throws: ComfyError.self, "\(name)") { _ = try await client.upload(image: url, name: name) }
            }
            await #expect(throws: ComfyError.self) { _ = try await client.upload(image: url, subfolder: "../outside") }
            let missing = url.deletingLastPathComponent().appendingPathComponent("missing.png")
            await #expect(throws: ComfyError.self) { _ = try await client.upload(image: missing) }
            let listing = try FileManager.default.contentsOfDirectory(atPath: await emulator.inputDirectory.path)
            #expect(!listing.contains("escape.png") && !listing.contains("key.png"), "nothing reached the server: \(listing)")
        }
    }
}

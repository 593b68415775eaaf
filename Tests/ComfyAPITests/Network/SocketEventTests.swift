@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("The WebSocket greets with feature flags and delivers typed text and binary events", .timeLimit(.minutes(10)))
struct SocketEventTests {
    static func sd15(seed: UInt64) -> Workflow {
        try! Workflow(json: [
            "4": ["class_type": "CheckpointLoaderSimple", "inputs": ["ckpt_name": "random_sd15.safetensors"]],
            "6": ["class_type": "CLIPTextEncode", "inputs": ["text": "a cat", "clip": ["4", 1]]],
            "7": ["class_type": "CLIPTextEncode", "inputs": ["text": "", "clip": ["4", 1]]],
            "5": ["class_type": "EmptyLatentImage", "inputs": ["width": 64, "height": 64, "batch_size": 1]],
            "3": ["class_type": "KSampler", "inputs": ["seed": .uint64(seed), "steps": 3, "cfg": 7.0, "sampler_name": "euler", "scheduler": "normal",
                                                       "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0], "negative": ["7", 0], "latent_image": ["5", 0]]],
            "8": ["class_type": "VAEDecode", "inputs": ["samples": ["3", 0], "vae": ["4", 2]]],
            "9": ["class_type": "SaveImage", "inputs": ["images": ["8", 0], "filename_prefix": "api_test/sd"]],
        ])
    }

    @Test("connecting yields status with our sid and the feature_flags reply")
    func greeting() async throws {
        try await EmulatorHarness.run { _, client in
            let events = await client.events()
            try await client.connect()
            var sawStatus = false, sawFlags = false
            for await event in events {
                switch event {
                case .status(_, let sid?): #expect(sid == client.configuration.clientID); sawStatus = true
                case .featureFlags(let flags): #expect(flags["supports_preview_metadata"]?.boolValue == true); sawFlags = true
                default: break
                }
                if sawStatus && sawFlags { break }
            }
            #expect(await client.isConnected)
        }
    }

    @Test("sampler previews arrive as type-4 frames naming the prompt, node and a format matching the bytes")
    func previews() async throws {
        try await EmulatorHarness.run { _, client in
            let run = try await client.run(Self.sd15(seed: UInt64.random(in: 1...1_000_000)), options: SubmitOptions(previewMethod: "latent2rgb"))
            let (events, outcome) = await EmulatorHarness.collect(run)
            #expect(outcome.value != nil, "\(String(describing: outcome.error))")
            let previews = events.compactMap { event -> PreviewImage? in
                if case .preview(let p) = event { return p }
                return nil
            }
            #expect(previews.count == 3)
            for preview in previews {
                #expect(preview.promptID == run.promptID)
                #expect(preview.nodeID == "3")
                let magic = Array(preview.data.prefix(2))
                #expect((preview.format == .jpeg && magic == [0xFF, 0xD8]) || (preview.format == .png && magic == [0x89, 0x50]))
            }
        }
    }

    @Test("status broadcasts reach the global event stream while prompts run")
    func statusBroadcasts() async throws {
        try await EmulatorHarness.run { _, client in
            let events = await client.events()
            _ = try await client.run(EmulatorHarness.probe()).result()
            var queueLengths: [Int] = []
            for await event in events {
                if case .status(let remaining?, nil) = event { queueLengths.append(remaining) }
                if queueLengths.last == 0 && queueLengths.count >= 2 { break }
            }
            #expect(queueLengths.contains(1))
        }
    }
}

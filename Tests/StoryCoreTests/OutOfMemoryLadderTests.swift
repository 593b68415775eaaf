import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Out-of-memory recovery ladder")
struct OutOfMemoryLadderTests {
    @Test func aBatchOfFourThatDoesNotFitIsSplitAndEveryImageIsProduced() async throws {
        // 512x288 at 2048 bytes per pixel: decoding 4 images needs 1.2 GB, one image 302 MB.
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, vramBytes: 500 << 20)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.memoryPolicy = .off
            options.batchSize = 4
            options.panelSelection = ["panel_01"]
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(summary.failures)")
            let panel = try #require(try EmulatorSupport.manifest(dir)["panels"]?[0])
            #expect(panel["status"] == "completed" && panel["batch_size"] == 4)
            #expect(panel["files"]?.arrayValue?.count == 4)
            let codes = panel["note_codes"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PanelNote.Code.init(rawValue:)) } ?? []
            #expect(codes.contains(.outOfMemoryFreedMemory) && codes.contains(.outOfMemoryBatchSplit), "\(codes)")
            #expect(panel["notes"]?.arrayValue?.contains(.string(PanelNote.outOfMemoryBatchSplit(images: 4).text)) == true)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: try EmulatorSupport.manifest(dir)) == 4)
            #expect(events.filter { if case .retrying = $0 { return true } else { return false } }.count == 2)

            // The four one-image prompts used seed + k.
            let history = try await EmulatorSupport.withClient(await emulator.baseURL) { try await $0.history() }
            let base = PanelSeed.derive(globalSeed: UInt64(42), panelID: "panel_01")
            let seeds = history.filter { $0.outcome == .success }.compactMap { $0.raw["prompt"]?[2]?["3"]?["inputs"]?["seed"]?.uint64Value }
            #expect(Set(seeds) == Set((0..<4).map { base + UInt64($0) }))
        }
    }

    @Test func tiledDecodingRescuesAPanelWhoseDecodeDoesNotFit() async throws {
        // 1024x1024: sampling needs 537 MB, plain decoding 2.1 GB, tiled decoding (512 tiles) 537 MB.
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, vramBytes: 1 << 30)) { emulator in
            let dir = try TestSupport.demoCopy()
            var doc = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            doc = doc.setting(["config", "target_resolution"], to: "1024x1024")
            try Data(doc.serialized(.pretty)).write(to: dir.appendingPathComponent("project.json"))
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.memoryPolicy = .off
            options.panelSelection = ["panel_02"]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(summary.failures)")
            let panel = try #require(try EmulatorSupport.manifest(dir)["panels"]?[0])
            let codes = panel["note_codes"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PanelNote.Code.init(rawValue:)) } ?? []
            #expect(codes.contains(.outOfMemoryTiledDecode), "\(codes)")
            #expect(!codes.contains(.outOfMemoryBatchSplit), "a batch of one is not split")
        }
    }

    @Test func aPanelThatNeverFitsFailsWithReasonAndSuggestion() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, vramBytes: 16 << 20)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.memoryPolicy = .off
            options.panelSelection = ["panel_03", "panel_04"]
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(!summary.succeeded && summary.failures.count == 2)
            let failure = try #require(summary.failures["panel_03"])
            #expect(failure.kind == .outOfMemory)
            #expect(failure.nodeID != nil && failure.nodeType != nil)
            #expect(failure.suggestion?.contains("target_resolution") == true)
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?[0]?["error"]?["kind"] == "out_of_memory")
            let project = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            #expect(project["generation_status"]?["comfyui"] == "failed")
            #expect(events.contains { if case .failed("panel_04", _) = $0 { return true } else { return false } })
        }
    }

    @Test func theLowVRAMPolicyAppliesOnSmallServersAndIsNoted() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, vramBytes: 8 << 30)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.batchSize = 2
            options.panelSelection = ["panel_01"]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded)
            let panel = try #require(try EmulatorSupport.manifest(dir)["panels"]?[0])
            let codes = panel["note_codes"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PanelNote.Code.init(rawValue:)) } ?? []
            #expect(codes.contains(.lowVRAMPolicy), "\(codes)")
            #expect(panel["notes"]?.arrayValue?.contains(.string(PanelNote.lowVRAMPolicy(vramTotal: 8 << 30).text)) == true)
            #expect(panel["files"]?.arrayValue?.count == 2)
            let history = try await EmulatorSupport.withClient(await emulator.baseURL) { try await $0.history() }
            #expect(history.count == 2)
            for entry in history {
                let sampler = entry.raw["prompt"]?[2]?["3"]?["inputs"]
                #expect(sampler?["sampler_name"] == "euler")
                #expect((sampler?["steps"]?.intValue ?? 99) <= 20)
                #expect(entry.raw["prompt"]?[2]?["5"]?["inputs"]?["batch_size"] == 1)
            }
        }
    }

    @Test func ladderOrder() {
        var ladder = OutOfMemoryLadder()
        #expect(ladder.next(imagesPerPrompt: 4, canTile: true) == .freeMemory)
        #expect(ladder.next(imagesPerPrompt: 4, canTile: true) == .splitBatch)
        #expect(ladder.next(imagesPerPrompt: 1, canTile: true) == .tiledDecode)
        #expect(ladder.next(imagesPerPrompt: 1, canTile: true) == .giveUp)
        var single = OutOfMemoryLadder()
        #expect(single.next(imagesPerPrompt: 1, canTile: false) == .freeMemory)
        #expect(single.next(imagesPerPrompt: 1, canTile: false) == .giveUp)
    }
}

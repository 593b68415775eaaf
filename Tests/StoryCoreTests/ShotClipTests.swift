import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Shot clips: each shot's key panel becomes a clip of the shot's length")
struct ShotClipTests {
    static var wanWorkflow: URL { TestSupport.repositoryRoot.appendingPathComponent("workflows/storycore_clip_wan.json") }

    /// A demo copy whose shot_01 lasts 1 s and shot_04 half a second (17 and 9 frames at Wan's 16 fps),
    /// with other durations changed by `durations`.
    static func project(durations: [String: Double] = [:]) throws -> URL {
        let dir = try TestSupport.demoCopy()
        let url = dir.appendingPathComponent("storyboard.json")
        var storyboard = try JSONValue.parse(Data(contentsOf: url))
        guard case .array(var shots)? = storyboard["shots"] else { throw CocoaError(.fileReadCorruptFile) }
        for index in shots.indices {
            switch shots[index]["shot_id"]?.stringValue {
            case "shot_01": shots[index] = shots[index].setting(["duration_seconds"], to: 1.0)
            case "shot_04": shots[index] = shots[index].setting(["duration_seconds"], to: 0.5)
            case let id?: if let seconds = durations[id] { shots[index] = shots[index].setting(["duration_seconds"], to: .double(seconds)) }
            default: break
            }
        }
        storyboard = storyboard.setting(["shots"], to: .array(shots))
        try Data(storyboard.serialized(.pretty)).write(to: url)
        return dir
    }

    static func options(_ url: URL) -> RenderOptions {
        var options = EmulatorSupport.options([url])
        options.shotSelection = ["shot_01", "shot_04"]
        options.clips = ClipOptions(workflow: .file(wanWorkflow))
        return options
    }

    /// The graphs the emulator ran for `shotID`'s clip, newest last.
    static func clipGraphs(_ shotID: String, on emulator: ComfyEmulator) async throws -> [JSONObject] {
        let entries = try await EmulatorSupport.withClient(await emulator.baseURL) { try await $0.history() }
        return entries.filter { $0.outcome == .success && EmulatorSupport.panelID(of: $0) == shotID }
            .compactMap { $0.raw["prompt"]?[2]?.objectValue }
    }

    static func clipEntry(_ manifest: JSONValue, _ shotID: String) -> JSONValue? {
        manifest["clips"]?.arrayValue?.first { $0["shot_id"]?.stringValue == shotID }
    }

    @Test func aClipPerShotIsRenderedFromTheUploadedPanelImageWithTheFrameCountOfItsDuration() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            // A file of the same name with other bytes is already on the server: it answers with "name (1).png".
            let taken = await emulator.inputDirectory.appendingPathComponent("storycore")
            try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
            try Data("someone else's image".utf8).write(to: taken.appendingPathComponent("shot_01_panel_01_v1.png"))

            let dir = try Self.project()
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: Self.options(await emulator.baseURL)))
            #expect(summary.succeeded, "\(summary.failures)")
            #expect(summary.total == 5, "three panels and two clips")

            let first = try #require(try await Self.clipGraphs("shot_01", on: emulator).first)
            #expect(first["50"]?["inputs"]?["length"] == 17, "1 s at 16 fps, rounded up to 4k+1")
            #expect(first["52"]?["inputs"]?["image"] == "storycore/shot_01_panel_01_v1 (1).png", "the name the server returned")
            #expect(first["57"]?["inputs"]?["noise_seed"] == .uint64(PanelSeed.derive(globalSeed: 42, panelID: "shot_01")))
            #expect(first["6"]?["inputs"]?["text"]?.stringValue?.isEmpty == false)
            let fourth = try #require(try await Self.clipGraphs("shot_04", on: emulator).first)
            #expect(fourth["50"]?["inputs"]?["length"] == 9, "0.5 s at 16 fps")
            #expect(fourth["52"]?["inputs"]?["image"] == "storycore/shot_04_panel_06_v1.png")

            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?.arrayValue?.count == 3, "clips are not panels")
            let clip = try #require(Self.clipEntry(manifest, "shot_01"))
            #expect(clip["status"] == "completed")
            #expect(clip["key_panel_id"] == "panel_01")
            #expect(clip["frames"] == 17)
            #expect(clip["frame_rate"]?.doubleValue == 16)
            #expect(clip["uploaded_image"] == "storycore/shot_01_panel_01_v1 (1).png")
            let panel01 = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_01" })
            let source = try #require(panel01["files"]?[0]?["path"]?.stringValue)
            #expect(clip["source_image"]?.stringValue == source)
            let uploaded = await emulator.inputDirectory.appendingPathComponent("storycore/shot_01_panel_01_v1 (1).png")
            #expect(try Data(contentsOf: uploaded) == (try Data(contentsOf: dir.appendingPathComponent(source))), "the panel's own bytes were uploaded")
            let file = try #require(clip["files"]?[0]?["path"]?.stringValue)
            #expect(file.hasPrefix("outputs/shot_01/"))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(file).path))

            let project = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            let clips = project["asset_manifest"]?["comfyui_clips"]?.arrayValue ?? []
            #expect(clips.map { $0["shot_id"]?.stringValue } == ["shot_01", "shot_04"])
            #expect(clips.first?["asset_id"] == "shot_01_clip_comfyui_v1")
            #expect(clips.first?["path"]?.stringValue == file)
            #expect(project["asset_manifest"]?["comfyui_panels"]?.arrayValue?.count == 3)

            // Each clip starts after its key panel is completed.
            let order = events.compactMap { event -> String? in
                switch event {
                case .completed(let id, _, _): return "done:\(id)"
                case .queued(let id, _, _, _): return "queued:\(id)"
                default: return nil
                }
            }
            let keyDone = try #require(order.firstIndex(of: "done:panel_01"))
            let clipQueued = try #require(order.firstIndex(of: "queued:shot_01"))
            #expect(keyDone < clipQueued, "\(order)")
        }
    }

    @Test func aClipGraphWithoutAFrameCountFailsUpFrontAndSubmitsNothing() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try Self.project()
            let graph = try Workflow(data: Array(#"""
                {"1": {"class_type": "LoadImage", "inputs": {"image": "x.png"}},
                 "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "x", "fps": 8.0, "lossless": true, "quality": 80, "method": "default"}}}
                """#.utf8))
            var options = Self.options(await emulator.baseURL)
            options.clips = ClipOptions(workflow: .graph(graph))
            let renderer = Renderer(project: try Project.load(from: dir), options: options)
            await #expect {
                _ = try await EmulatorSupport.render(renderer)
            } throws: { error in
                guard case RenderError.invalidOptions(let reason) = error else { return false }
                return reason.contains("--clip-length-input") && !reason.contains("\n")
            }
            #expect(await emulator.executedPromptCount == 0, "nothing was submitted")
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("outputs/manifest.json").path))
        }
    }

    @Test func aRedoOfAClipMakesVersionTwoAndKeepsVersionOneAndThePanels() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try Self.project()
            let url = await emulator.baseURL
            let (first, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: Self.options(url)))
            #expect(first.succeeded)
            let v1 = try #require(Self.clipEntry(try EmulatorSupport.manifest(dir), "shot_01")?["files"]?[0]?["path"]?.stringValue)

            var options = Self.options(url)
            options.clips?.redo = ["shot_01": PanelOverride(seed: 4242)]
            let (second, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(second.succeeded, "\(second.failures)")
            #expect(second.rendered == 1 && second.kept == 4, "only the clip is rendered again")
            #expect(second.redone == ["shot_01": 2])

            let manifest = try EmulatorSupport.manifest(dir)
            let clip = try #require(Self.clipEntry(manifest, "shot_01"))
            #expect(clip["version"] == 2)
            #expect(clip["asset_id"] == "shot_01_comfyui_v2")
            let v2 = try #require(clip["files"]?[0]?["path"]?.stringValue)
            #expect(v2.hasPrefix("outputs/shot_01/v2/"))
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(v1).path), "version 1 is kept")
            #expect(clip["versions"]?.arrayValue?.count == 2)
            #expect(clip["seed"] == 4242 && clip["overrides"]?["seed"] == 4242, "the seed of --redo applies to the new version")
            let latest = try #require(try await Self.clipGraphs("shot_01", on: emulator).last)
            #expect(latest["57"]?["inputs"]?["noise_seed"] == 4242 && latest["58"]?["inputs"]?["noise_seed"] == 4242)
            let renders = try await EmulatorSupport.successfulRenders(on: emulator)
            #expect(renders["panel_01"] == 1 && renders["shot_01"] == 2 && renders["shot_04"] == 1, "\(renders)")
            let project = try JSONValue.parse(Data(contentsOf: dir.appendingPathComponent("project.json")))
            let entry = project["asset_manifest"]?["comfyui_clips"]?.arrayValue?.first { $0["shot_id"] == "shot_01" }
            #expect(entry?["asset_id"] == "shot_01_clip_comfyui_v2")
            #expect(entry?["path"]?.stringValue == v2)
        }
    }

    @Test func aClipWhoseKeyPanelFailsFailsWithItWithoutBeingSubmitted() async throws {
        // So little memory that every panel fails after the whole out-of-memory ladder.
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, vramBytes: 1 << 20)) { emulator in
            let dir = try Self.project()
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: Self.options(await emulator.baseURL)))
            #expect(summary.failures["panel_01"]?.kind == .outOfMemory)
            #expect(summary.failures["shot_01"]?.kind == .keyPanel, "\(summary.failures)")
            #expect(summary.failures["shot_04"]?.kind == .keyPanel)
            let renders = try await EmulatorSupport.successfulRenders(on: emulator)
            #expect(renders["shot_01"] == nil && renders["shot_04"] == nil)
            let clip = Self.clipEntry(try EmulatorSupport.manifest(dir), "shot_01")
            #expect(clip?["status"] == "failed")
            #expect(clip?["error"]?["kind"] == "key_panel")
        }
    }

    @Test func aRejectedKeyPanelGetsNoClip() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try Self.project()
            var options = Self.options(await emulator.baseURL)
            options.clips = nil
            let (panels, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(panels.succeeded)
            let ledger = try Ledger(outputsDirectory: dir.appendingPathComponent("outputs"))
            try await ledger.setReview(PanelReview(verdict: .rejected, version: 1), panelID: "panel_01")

            let (clips, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: Self.options(await emulator.baseURL)))
            #expect(clips.failures["shot_01"]?.kind == .keyPanel, "\(clips.failures)")
            #expect(clips.failures["shot_04"] == nil)
            let renders = try await EmulatorSupport.successfulRenders(on: emulator)
            #expect(renders["shot_01"] == nil && renders["shot_04"] == 1, "\(renders)")
        }
    }
}

@Suite("Shot clips on a pool and out of memory")
struct ShotClipPoolTests {
    @Test func aLongClipDecodesFewerFramesAtATimeAfterRunningOutOfMemory() async throws {
        // 49 frames of 640×640 sample within the emulator's 24 GiB but do not fit one VAEDecode;
        // VAEDecodeTiled decodes 64 frames at a time (temporal_size) in 512-pixel tiles.
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try ShotClipTests.project(durations: ["shot_02": 3.0])
            var options = ShotClipTests.options(await emulator.baseURL)
            options.shotSelection = ["shot_02"]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(summary.failures)")
            let clip = try #require(ShotClipTests.clipEntry(try EmulatorSupport.manifest(dir), "shot_02"))
            #expect(clip["frames"] == 49, "3 s at 16 fps")
            let codes = clip["note_codes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            #expect(codes.contains("oom_memory_freed") && codes.contains("oom_tiled_decode"), "\(codes)")
            let graphs = try await ShotClipTests.clipGraphs("shot_02", on: emulator)
            #expect(graphs.last?["8"]?["class_type"] == "VAEDecodeTiled")
            #expect(graphs.last?["8"]?["inputs"]?["temporal_size"] == 64)
        }
    }

    @Test func aClipUploadsItsKeyImageToTheServerThatRendersItNotTheOneThatRenderedThePanel() async throws {
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: .instant), EmulatorConfiguration(timing: .instant)]) { emulators in
            let dir = try ShotClipTests.project()
            var panelsOnly = ShotClipTests.options(await emulators[0].baseURL)
            panelsOnly.clips = nil
            let (panels, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: panelsOnly))
            #expect(panels.succeeded)
            let (clips, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir),
                                                                        options: ShotClipTests.options(await emulators[1].baseURL)))
            #expect(clips.succeeded, "\(clips.failures)")
            #expect(clips.rendered == 2 && clips.kept == 3)
            for shot in ["shot_01", "shot_04"] {
                let clip = try #require(ShotClipTests.clipEntry(try EmulatorSupport.manifest(dir), shot))
                #expect(clip["server"]?.stringValue == (await emulators[1].baseURL.absoluteString))
                let uploaded = try #require(clip["uploaded_image"]?.stringValue)
                #expect(FileManager.default.fileExists(atPath: await emulators[1].inputDirectory.appendingPathComponent(uploaded).path))
                #expect(!FileManager.default.fileExists(atPath: await emulators[0].inputDirectory.appendingPathComponent(uploaded).path))
            }
        }
    }
}

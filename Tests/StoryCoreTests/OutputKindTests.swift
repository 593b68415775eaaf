@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Every kind of output is classified, checked and recorded with its media type")
struct OutputKindTests {
    /// The bundled SDXL graph with its SaveImage (node 9) replaced by `saver`, fed three frames of the
    /// decoded image (node 10 repeats it); `extra` adds nodes (CreateVideo, EmptyAudio).
    static func graph(saver: JSONValue, extra: JSONObject = [:]) throws -> Workflow {
        let base = try JSONValue.parse(Data(contentsOf: EmulatorSupport.sdxlWorkflow))
        var nodes = base.objectValue ?? JSONObject()
        nodes["10"] = ["class_type": "RepeatImageBatch", "inputs": ["image": ["8", 0], "amount": 3]]
        for (id, node) in extra { nodes[id] = node }
        nodes["9"] = saver
        return try Workflow(json: .object(nodes))
    }

    static let savers: [(name: String, workflow: @Sendable () throws -> Workflow, type: String, animated: Bool, frameRate: Double?)] = [
        ("SaveAnimatedWEBP", {
            try graph(saver: ["class_type": "SaveAnimatedWEBP", "inputs": ["images": ["10", 0], "filename_prefix": "storycore/panel", "fps": 6.0,
                                                                           "lossless": false, "quality": 80, "method": "default"]])
        }, "image/webp", true, nil),
        ("SaveAnimatedPNG", {
            try graph(saver: ["class_type": "SaveAnimatedPNG", "inputs": ["images": ["10", 0], "filename_prefix": "storycore/panel", "fps": 6.0,
                                                                          "compress_level": 4]])
        }, "image/png", true, nil),
        ("SaveVideo", {
            try graph(saver: ["class_type": "SaveVideo", "inputs": ["video": ["11", 0], "filename_prefix": "storycore/panel", "format": "auto", "codec": "auto"]],
                      extra: ["11": ["class_type": "CreateVideo", "inputs": ["images": ["10", 0], "fps": 24.0]]])
        }, "video/mp4", true, nil),
        ("SaveWEBM", {
            try graph(saver: ["class_type": "SaveWEBM", "inputs": ["images": ["10", 0], "filename_prefix": "storycore/panel", "codec": "vp9",
                                                                   "fps": 24.0, "crf": 32.0]])
        }, "video/webm", true, nil),
        ("SaveAudio", {
            try graph(saver: ["class_type": "SaveAudio", "inputs": ["audio": ["12", 0], "filename_prefix": "storycore/panel"]],
                      extra: ["12": ["class_type": "EmptyAudio", "inputs": ["duration": 0.5, "sample_rate": 8000, "channels": 1]]])
        }, "audio/flac", false, nil),
        ("SaveAudioMP3", {
            try graph(saver: ["class_type": "SaveAudioMP3", "inputs": ["audio": ["12", 0], "filename_prefix": "storycore/panel", "quality": "V0"]],
                      extra: ["12": ["class_type": "EmptyAudio", "inputs": ["duration": 0.5, "sample_rate": 8000, "channels": 1]]])
        }, "audio/mpeg", false, nil),
        ("SaveAudioOpus", {
            try graph(saver: ["class_type": "SaveAudioOpus", "inputs": ["audio": ["12", 0], "filename_prefix": "storycore/panel", "quality": "64k"]],
                      extra: ["12": ["class_type": "EmptyAudio", "inputs": ["duration": 0.5, "sample_rate": 8000, "channels": 1]]])
        }, "audio/ogg", false, nil),
        ("VHS_VideoCombine", {
            try graph(saver: ["class_type": "VHS_VideoCombine", "inputs": ["images": ["10", 0], "frame_rate": 12, "loop_count": 0,
                                                                           "filename_prefix": "storycore/panel", "format": "image/gif",
                                                                           "pingpong": false, "save_output": true]])
        }, "image/gif", true, 12),
    ]

    @Test("a render through each save node stores its file with the right media type in the manifest and the events",
          arguments: 0..<savers.count)
    func eachKind(_ index: Int) async throws {
        let saver = Self.savers[index]
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL], workflow: .graph(try saver.workflow()))
            options.panelSelection = ["panel_01"]
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(saver.name): \(summary.failures)")
            let manifest = try EmulatorSupport.manifest(dir)
            let files = try #require(manifest["panels"]?[0]?["files"]?.arrayValue)
            #expect(files.count == 1, "\(saver.name)")
            let file = try #require(files.first)
            #expect(file["media_type"]?.stringValue == saver.type, "\(saver.name)")
            #expect(file["animated"] == .bool(saver.animated), "\(saver.name)")
            #expect(file["frame_rate"] == (saver.frameRate.map(JSONValue.double) ?? .null), "\(saver.name)")
            let path = try #require(file["path"]?.stringValue)
            let bytes = try Data(contentsOf: dir.appendingPathComponent(path))
            #expect(MediaType(saver.type).matches(bytes), "\(saver.name): stored bytes match the type")
            let completed = events.compactMap { event -> [StoredFile]? in
                if case .completed("panel_01", let files, _) = event { return files }
                return nil
            }.first
            #expect(completed?.first?.mediaType == saver.type && completed?.first?.animated == saver.animated, "\(saver.name)")
            #expect(completed?.first?.json["media_type"]?.stringValue == saver.type)
        }
    }

    @Test("a file whose first bytes are not its claimed type fails the panel with media_mismatch and keeps nothing")
    func wrongMagicFailsThePanel() async throws {
        var faults = FaultPlan()
        faults.wrongFileBytes = true
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant, faults: faults)) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_01"]
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            let failure = try #require(summary.failures["panel_01"])
            #expect(failure.kind == .mediaMismatch)
            #expect(failure.message.contains("should be image/png") && failure.message.contains("no known type (3c 21 44 4f"))
            let written = (try? FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("outputs/panel_01").path)) ?? []
            #expect(written.isEmpty, "\(written)")
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["panels"]?[0]?["error"]?["kind"] == "media_mismatch")
            #expect(events.contains { if case .failed("panel_01", let f) = $0 { f.kind == .mediaMismatch } else { false } })
        }
    }

    @Test("an unknown extension is kept as application/octet-stream with a note; bytes are checked only for known types")
    func unknownExtensionIsKeptWithANote() throws {
        let dir = try TestSupport.scratch()
        let file = dir.appendingPathComponent("x.bin")
        try Data([1, 2, 3]).write(to: file)
        try OutputStore.checkMedia(file, claimed: .unknown, panelID: "p", name: "x.bin")
        try OutputStore.checkMedia(file, claimed: MediaType("application/json"), panelID: "p", name: "x.json")
        #expect(throws: OutputError.self) { try OutputStore.checkMedia(file, claimed: MediaType("image/webp"), panelID: "p", name: "x.webp") }
        let empty = dir.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        do {
            try OutputStore.checkMedia(empty, claimed: MediaType("image/png"), panelID: "p", name: "empty.png")
            Issue.record("an empty PNG was accepted")
        } catch {
            #expect(error.description == "panel p: \"empty.png\" should be image/png but its first bytes are missing")
        }
        let jpeg = dir.appendingPathComponent("photo.png")
        try Data([0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).write(to: jpeg)
        do {
            try OutputStore.checkMedia(jpeg, claimed: MediaType("image/png"), panelID: "p", name: "photo.png")
            Issue.record("a JPEG named .png was accepted")
        } catch {
            #expect(error.description == "panel p: \"photo.png\" should be image/png but its first bytes are image/jpeg (ff d8 ff e0 00 10)")
        }
        let stored = StoredFile(path: "outputs/p/model.safetensors", nodeID: "9", bytes: 3, sha256: "ab")
        #expect(stored.mediaType == "application/octet-stream")
        #expect(PanelMachine.mediaNotes([stored]).count == 1)
        #expect(PanelNote.unknownMediaType(path: stored.path).code.rawValue == "unknown_media_type")
        #expect(PanelNote(stored: PanelNote.unfinishedBatch(nodeIDs: ["4"]).stored) == .unfinishedBatch(nodeIDs: ["4"]))
        #expect(PanelNote(stored: PanelNote.unknownMediaType(path: "a").stored) == .unknownMediaType(path: "a"))
    }

    @Test("the machine notes an unfinished VHS batch before downloading, and an unknown file type after")
    func machineNotesUnfinishedBatchAndUnknownTypes() throws {
        var machine = PanelMachine(PanelMachineTests.setup())
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        guard case .submit(let record, _)? = machine.handle(.attemptBegun(1)).first else { Issue.record("no submit"); return }
        _ = machine.handle(.accepted)
        let entry = try HistoryEntry(promptID: record.promptID, json: [
            "outputs": ["12": ["unfinished_batch": [true]],
                        "9": ["images": [["filename": "a.png", "subfolder": "", "type": "output"]]]],
            "status": ["status_str": "success", "completed": true, "messages": []],
        ], route: "test")
        let result = PromptResult(entry: entry)
        let afterRun = machine.handle(.executed(result))
        #expect(afterRun.first == .note(.unfinishedBatch(nodeIDs: ["12"])))
        #expect(afterRun.dropFirst().first == .download(record, result, .attempt(rest: [])))
        let odd = StoredFile(path: "outputs/panel_01/a.safetensors", nodeID: "9", bytes: 3, sha256: "ab")
        let afterDownload = machine.handle(.downloaded([odd]))
        #expect(afterDownload.prefix(2) == [.recordFiles(record, [odd]), .note(.unknownMediaType(path: odd.path))])
    }

    @Test("media type, animation and frame rate survive the ledger, including archived versions")
    func ledgerKeepsMedia() async throws {
        let ledger = try Ledger(outputsDirectory: try TestSupport.scratch().appendingPathComponent("outputs"))
        _ = try await ledger.beginRun(projectID: "p", fresh: false)
        try await ledger.plan([PanelRecord(panelID: "panel_01", position: 0, shotID: nil, fingerprint: "f", prompt: "x", negativePrompt: nil,
                                           seed: 1, width: 64, height: 64, batchSize: 1)])
        let file = StoredFile(path: "outputs/panel_01/a_00001.gif", nodeID: "9", bytes: 3, sha256: "ab", mediaType: "image/gif",
                              animated: true, frameRate: 12.5)
        try await ledger.completePrompt("id-1", panelID: "panel_01", files: [file])
        #expect(try await ledger.panel("panel_01")?.files == [file])
        #expect(LedgerSchema.decodeFiles(LedgerSchema.encode([file])) == [file])
        let old = LedgerSchema.decodeFiles(#"[{"path":"outputs/p/a.webm","node_id":"9","bytes":1,"sha256":"ab"}]"#)
        #expect(old.first?.mediaType == "video/webm" && old.first?.animated == false && old.first?.frameRate == nil)
    }
}

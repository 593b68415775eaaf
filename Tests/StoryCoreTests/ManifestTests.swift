import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Manifest has the contract's shape and is written atomically")
struct ManifestTests {
    @Test func completedAndFailedPanelsAreReported() throws {
        var done = PanelRecord(panelID: "panel_01", position: 0, shotID: "shot_01", fingerprint: "f", prompt: "p", negativePrompt: "n",
                               seed: 42, width: 512, height: 288, batchSize: 1)
        done.state = .completed
        done.attempts = 1
        done.promptID = "pid"
        done.server = "http://127.0.0.1:1"
        done.files = [StoredFile(path: "outputs/panel_01/a.png", nodeID: "9", bytes: 12, sha256: "00ff")]
        done.queuedAt = Date(timeIntervalSince1970: 1_800_000_000)
        var failed = PanelRecord(panelID: "panel_02", position: 1, shotID: "shot_01", fingerprint: "f", prompt: "q", negativePrompt: nil,
                                 seed: 43, width: 512, height: 288, batchSize: 4)
        failed.state = .failed
        failed.notes = [.outOfMemoryBatchSplit(images: 4)]
        failed.failure = RenderFailure(kind: .outOfMemory, message: "CUDA out of memory", nodeID: "3", nodeType: "KSampler", suggestion: "lower the resolution")
        let manifest = Manifest(projectID: "proj", runID: "run", servers: ["http://127.0.0.1:1"], panels: [done, failed])
        let outputs = try TestSupport.scratch().appendingPathComponent("outputs")
        try manifest.write(toOutputs: outputs)
        let json = try JSONValue.parse(Data(contentsOf: outputs.appendingPathComponent("manifest.json")))
        #expect(json["project_id"] == "proj" && json["run_id"] == "run")
        #expect(json["servers"] == ["http://127.0.0.1:1"])
        #expect(json["totals"]?["completed"] == 1 && json["totals"]?["failed"] == 1)
        let first = try #require(json["panels"]?[0])
        #expect(first["status"] == "completed" && first["shot_id"] == "shot_01" && first["seed"] == 42)
        #expect(first["files"] == [["path": "outputs/panel_01/a.png", "node_id": "9", "bytes": 12, "sha256": "00ff",
                                    "media_type": "image/png", "animated": false, "frame_rate": nil, "quality": nil]])
        #expect(first["error"] == .null)
        #expect(first["timings"]?["queued"]?.stringValue?.hasPrefix("2027-01-15T08:00:00") == true)
        let second = try #require(json["panels"]?[1])
        #expect(second["status"] == "failed" && second["batch_size"] == 4)
        #expect(second["notes"] == [.string(PanelNote.outOfMemoryBatchSplit(images: 4).text)])
        #expect(second["note_codes"] == ["oom_batch_split"])
        #expect(second["error"]?["kind"] == "out_of_memory" && second["error"]?["node_type"] == "KSampler")
    }
}

@Suite("The manifest is streamed panel by panel, byte-identical to writing it whole")
struct ManifestStreamingTests {
    static func panel(_ index: Int) -> PanelRecord {
        var record = PanelRecord(panelID: String(format: "panel_%03d", index), position: index, shotID: "shot_\(index % 7)", fingerprint: "f\(index)",
                                 prompt: "a \"quoted\" prompt ✓ \(index)", negativePrompt: index.isMultiple(of: 2) ? nil : "blurry",
                                 seed: UInt64(index) * 7919, width: 512, height: 288, batchSize: 1 + index % 3)
        if index.isMultiple(of: 3) {
            record.state = .completed
            record.files = [StoredFile(path: "outputs/\(record.panelID)/a.png", nodeID: "9", bytes: Int64(index), sha256: "ab")]
        }
        return record
    }

    @Test(arguments: [0, 1, 5, 700])
    func streamedEqualsWhole(panels count: Int) throws {
        let manifest = Manifest(projectID: "p", runID: "r", servers: ["http://a", "http://b"], panels: (0..<count).map(Self.panel))
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        var streamed: [UInt8] = []
        var chunks = 0
        try manifest.streamPretty(now: now) { streamed += $0; chunks += 1 }
        #expect(streamed == manifest.json(now: now).serialized(.pretty))
        if count == 700 { #expect(chunks > 1, "a large manifest is written in several chunks") }
        let outputs = try TestSupport.scratch().appendingPathComponent("outputs")
        try manifest.write(toOutputs: outputs, now: now)
        #expect(try Data(contentsOf: outputs.appendingPathComponent(Manifest.fileName)) == Data(streamed))
    }
}

@Suite("Low-VRAM memory policy")
struct MemoryPolicyTests {
    @Test func appliesBelowTwelveGiBOnly() throws {
        #expect(MemoryPolicy.standard.rules(vramTotal: 8 << 30) != nil)
        #expect(MemoryPolicy.standard.rules(vramTotal: (12 << 30) - 1) != nil)
        #expect(MemoryPolicy.standard.rules(vramTotal: 12 << 30) == nil)
        #expect(MemoryPolicy.standard.rules(vramTotal: 80 << 30) == nil)
        #expect(MemoryPolicy.standard.rules(vramTotal: nil) == nil)
        #expect(MemoryPolicy.off.rules(vramTotal: 1 << 30) == nil)
        let rules = try #require(MemoryPolicy.standard.rules(vramTotal: 8 << 30))
        #expect(rules.batchSize == 1 && rules.samplerName == "euler" && rules.maxSteps == 20)
        #expect(rules.note.text == "low-VRAM policy (8.0 GiB < 12 GiB): batch size 1, sampler euler, at most 20 steps")
    }
}

@Suite("The manifest follows the ledger at a bounded rate, never holding a panel up")
struct RunRecorderRateTests {
    static func recorder(interval: Duration) async throws -> (RunRecorder, URL) {
        let project = try Project.load(from: TestSupport.demoCopy())
        let ledger = try Ledger(outputsDirectory: project.outputsDirectory)
        _ = try await ledger.beginRun(projectID: project.id, fresh: true)
        let recorder = RunRecorder(ledger: ledger, project: project, runID: "run", servers: [], minimumInterval: interval)
        return (recorder, project.outputsDirectory.appendingPathComponent(Manifest.fileName))
    }

    @Test("a burst of changes right after a write is written once, later, not once per change")
    func burstIsCoalesced() async throws {
        let (recorder, manifest) = try await Self.recorder(interval: .seconds(600))
        try await recorder.write()
        #expect(FileManager.default.fileExists(atPath: manifest.path))
        #expect(await recorder.writeCount == 1)
        for _ in 0..<1_000 { await recorder.noteChange() }
        #expect(await recorder.writeCount == 1, "changes within the interval wait for the next write")
        try await recorder.write()
        #expect(await recorder.writeCount == 2, "an explicit write covers them all")
        await recorder.idle()
        #expect(await recorder.writeCount == 2, "the scheduled write found nothing left to do")
    }

    @Test("a change with nothing written recently is written in the background")
    func changeIsWrittenBehind() async throws {
        let (recorder, manifest) = try await Self.recorder(interval: .zero)
        await recorder.noteChange()
        await recorder.idle()
        #expect(await recorder.writeCount == 1)
        #expect(await recorder.backgroundFailure == nil)
        let json = try JSONValue.parse(Data(contentsOf: manifest))
        #expect(json["run_id"] == "run")
    }
}

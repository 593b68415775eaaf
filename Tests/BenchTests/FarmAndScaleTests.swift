import ArgumentParser
import ComfyWorkflow
import Foundation
import StoryCore
import Testing
@testable import ComfyBench

/// The plumbing of the `farm` and `scale` scenarios: the live capacity of a farm with faults, the
/// exactly-once check on a project's ledger, and the scenario names on the command line.
@Suite struct FarmAndScalePlumbing {
    private func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-farm-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func liveCapacitySubtractsEachServersDownTimeWithinTheRun() {
        typealias Event = EmulatorFarm.Event
        // 10 servers for 100 s: server 1 down 20–30 s, server 2 down from 50 s for good, server 3 down before the
        // run (−10 s) and back at 5 s, server 4 down at 95 s and back after the run (at 120 s).
        let events = [
            Event(up: false, server: 1, unixMilliseconds: 20_000), Event(up: true, server: 1, unixMilliseconds: 30_000),
            Event(up: false, server: 2, unixMilliseconds: 50_000),
            Event(up: false, server: 3, unixMilliseconds: -10_000), Event(up: true, server: 3, unixMilliseconds: 5_000),
            Event(up: false, server: 4, unixMilliseconds: 95_000), Event(up: true, server: 4, unixMilliseconds: 120_000),
        ]
        let capacity = EmulatorFarm.liveServerSeconds(servers: 10, events: events.reversed(), start: 0, end: 100_000)
        #expect(abs(capacity - (1000 - 10 - 50 - 5 - 5)) < 1e-9)
        #expect(EmulatorFarm.liveServerSeconds(servers: 100, events: [], start: 1_000, end: 41_000) == 4000)
        #expect(EmulatorFarm.liveServerSeconds(servers: 4, events: [], start: 5, end: 5) == 0)
    }

    @Test func theExactlyOnceCheckCountsMissingUnfinishedAndSharedFiles() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let project = try BenchProject.write(BenchProject.Shape(panels: 4, width: 64, height: 64, steps: 1, stepMilliseconds: 0),
                                             to: folder.appendingPathComponent("p"))
        let outputs = project.directory.appendingPathComponent("outputs", isDirectory: true)
        let ledger = try Ledger(outputsDirectory: outputs)
        _ = try await ledger.beginRun(projectID: "bench-4-64x64", fresh: true)
        let ids = (0..<3).map(BenchProject.panelID)
        try await ledger.plan(ids.enumerated().map { index, id in
            PanelRecord(panelID: id, position: index, shotID: nil, fingerprint: id, prompt: "p", negativePrompt: nil,
                        seed: UInt64(index), width: 64, height: 64, batchSize: 1)
        })
        func store(_ panel: String, file: String, bytes: [UInt8]) async throws {
            let url = project.directory.appendingPathComponent(file)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
            let sha = try OutputStore.sha256(of: url)
            let prompt = PromptRecord(promptID: "prompt-\(panel)", panelID: panel, attempt: 1, part: 0, firstImage: 0, imageCount: 1,
                                      server: "http://127.0.0.1:1", createdAt: Date())
            try await ledger.recordPrompt(prompt)
            try await ledger.completePrompt(prompt.promptID, panelID: panel,
                                            files: [StoredFile(path: file, nodeID: "2", bytes: Int64(bytes.count), sha256: sha)])
            try await ledger.complete(panel, finishedAt: Date(), downloadedAt: Date())
        }
        try await store(ids[0], file: "outputs/a.png", bytes: [1, 2, 3])
        try await store(ids[1], file: "outputs/b.png", bytes: [4, 5])
        // ids[2] never completes, and the project's fourth panel was never even planned.
        let check = try await Workspace.completedExactlyOnce(project, panels: 4)
        #expect(check.violations == 2)
        #expect(check.detail.contains("1 not completed") && check.detail.contains("1 panels missing"))

        try Data([9]).write(to: project.directory.appendingPathComponent("outputs/b.png"))
        #expect(try await Workspace.completedExactlyOnce(project, panels: 4).violations == 3)
    }

    @Test func farmAndScaleRunOnlyWhenNamed() {
        #expect(RunCommand.ScenarioName(rawValue: "farm") == .farm)
        #expect(RunCommand.ScenarioName(rawValue: "scale") == .scale)
        let farm = FarmScenario(repetitions: 1, latencyMilliseconds: 25)
        #expect(farm.servers == 100 && farm.shape.panels == 2000 && farm.shape.steps * farm.shape.stepMilliseconds == 2000)
        #expect(farm.faults.restart == 5 && farm.faults.kill == 2)
        let scale = ScaleScenario(repetitions: 1, latencyMilliseconds: 0)
        #expect(scale.servers == 4 && scale.sizes.small == 1000 && scale.sizes.large == 20000)
        #expect(RunCommand.ScenarioName.allCases.contains(.all))
    }
}

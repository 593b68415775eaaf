import ComfyChaos
import ComfyWorkflow
import Foundation
import Testing

/// The reduced chaos campaign of the normal suite (the full one is `comfybridge-dev chaos --runs 100`), and
/// proof that the invariant checker it relies on catches what it claims to.
@Suite("A render survives kills, restarts, socket drops, 500 bursts, slow replies and out-of-memory")
struct ChaosCampaignTests {
    @Test func tenSeededRunsKeepEveryInvariant() async throws {
        let executable = try #require(Fixtures.comfybridge, "build the comfybridge product first")
        let work = try Fixtures.scratch("chaos")
        let campaign = ChaosCampaign(configuration: CampaignConfiguration(
            executable: executable, workDirectory: work, runs: 10, seed: 8, launchTimeout: .seconds(180),
            environment: ProcessInfo.processInfo.environment))
        let report = try await campaign.run()
        #expect(report.runs.count == 10)
        let problems = report.runs.flatMap(\.problems)
        #expect(problems.isEmpty, "\(report.lines.joined(separator: "\n"))")
        #expect(report.panelsRendered == 160)
        #expect(report.panelsLost == 0)
        #expect(report.duplicates == 0, "\(problems.filter { $0.contains(" was executed ") })")
        #expect(report.filesVerified >= 160)
        #expect(report.faults[.clientKill, default: 0] >= 10, "\(report.faults)")
        if report.failedRuns.isEmpty { try? FileManager.default.removeItem(at: work) }
    }

    @Test func aRunPlanIsAPureFunctionOfItsSeed() {
        let a = RunPlan(seed: 1234)
        let b = RunPlan(seed: 1234)
        #expect(a.events == b.events)
        #expect(a.socketDropAfter == b.socketDropAfter && a.tightMemory == b.tightMemory && a.batchSize == b.batchSize)
        #expect(a.events.contains { $0.action == .killClient })
        let seeds = (0..<50).map { ChaosRandom.runSeed(campaign: 8, run: $0) }
        #expect(Set(seeds).count == 50)
        #expect(seeds == (0..<50).map { ChaosRandom.runSeed(campaign: 8, run: $0) })
        let plans = seeds.map { RunPlan(seed: $0) }
        #expect(plans.contains { !$0.tightMemory.isEmpty } && plans.contains { $0.tightMemory.isEmpty })
        #expect(plans.contains { $0.events.contains { if case .restart = $0.action { true } else { false } } })
        #expect(plans.contains { $0.events.contains { if case .http500Burst = $0.action { true } else { false } } })
        #expect(plans.contains { $0.socketDropAfter.contains { $0 != nil } })
    }

    @Test func theCheckerReportsEveryBrokenInvariant() async throws {
        let root = try Fixtures.scratch("checker")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 2)
        let outputs = project.directory.appendingPathComponent("outputs")
        try FileManager.default.createDirectory(at: outputs.appendingPathComponent("panel_01"), withIntermediateDirectories: true)
        try Data([1, 2, 3]).write(to: outputs.appendingPathComponent("panel_01/a.png"))
        try Data([9]).write(to: outputs.appendingPathComponent("panel_01/.a.png.1234.part"))
        try Data([9]).write(to: outputs.appendingPathComponent("panel_01/stray.png"))
        let manifest: JSONValue = ["panels": [
            ["panel_id": "panel_01", "status": "completed", "notes": [],
             "files": [["path": "outputs/panel_01/a.png", "bytes": 3, "sha256": "00"]]],
            ["panel_id": "panel_01", "status": "completed", "notes": [], "files": []],
        ]]
        try Data(manifest.serialized()).write(to: outputs.appendingPathComponent("manifest.json"))
        let edited = project.originalProject.setting(["x_editor_state", "nested"], to: nil)
        try Data(edited.serialized()).write(to: project.directory.appendingPathComponent("project.json"))
        let serverOutput = root.appendingPathComponent("server/storycore")
        try FileManager.default.createDirectory(at: serverOutput, withIntermediateDirectories: true)
        for n in 1...3 { try Data([0]).write(to: serverOutput.appendingPathComponent(String(format: "panel_01_%05d_.png", n))) }

        let checker = InvariantChecker(project: project)
        let (problems, tally) = await checker.checkFinal(serverOutputs: [root.appendingPathComponent("server")])
        let text = problems.joined(separator: "\n")
        #expect(text.contains("SHA-256"), "\(text)")
        #expect(text.contains("panel_01 appears twice"))
        #expect(text.contains("panel_02 is missing"))
        #expect(text.contains("temporary file left: outputs/panel_01/.a.png.1234.part"))
        #expect(text.contains("file not in the manifest: outputs/panel_01/stray.png"))
        #expect(text.contains("project.json lost key x_editor_state.nested"))
        #expect(text.contains("generation_status.comfyui"))
        #expect(text.contains("panel_01 was executed 3 times"))
        #expect(tally.duplicates == 2 && tally.lost == 1)
        let atKill = await checker.checkKillPoint()
        #expect(atKill.contains { $0.contains("x_editor_state.nested") })
    }
}

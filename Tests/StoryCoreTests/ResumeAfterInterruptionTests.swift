import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("A cancelled run resumes and renders each panel exactly once")
struct ResumeAfterInterruptionTests {
    /// Cancels the run when the `cutAfter`-th event of the chosen kind arrives, then resumes.
    @Test(arguments: [("queued", 1), ("queued", 4), ("started", 3), ("completed", 2), ("completed", 7), ("progress", 25)])
    func cancelledAtAnyPointThenResumedRendersEachPanelOnce(kind: String, cutAfter: Int) async throws {
        let timing = TimingModel(modelLoad: .zero, perStep: .milliseconds(4), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: timing)) { emulator in
            let dir = try TestSupport.demoCopy()
            let options = EmulatorSupport.options([await emulator.baseURL])
            let first = Renderer(project: try Project.load(from: dir), options: options)
            let task = Task { try await first.run() }
            var seen = 0
            for await event in first.events {
                let matches: Bool
                switch event {
                case .queued: matches = kind == "queued"
                case .started: matches = kind == "started"
                case .completed: matches = kind == "completed"
                case .progress: matches = kind == "progress"
                default: matches = false
                }
                if matches {
                    seen += 1
                    if seen == cutAfter { task.cancel() }
                }
            }
            let cancelled = try await task.value
            #expect(cancelled.cancelled)
            #expect(cancelled.rendered < 9)
            let midway = try EmulatorSupport.manifest(dir)
            #expect(midway["panels"]?.arrayValue?.count == 9)
            _ = try EmulatorSupport.verifyFiles(in: dir, manifest: midway)

            let (resumed, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(resumed.succeeded)
            #expect(resumed.rendered + resumed.kept == 9)
            #expect(resumed.kept == cancelled.rendered)
            guard case .runStarted(_, let wasResumed, _, _)? = events.first else { Issue.record("no runStarted"); return }
            #expect(wasResumed)

            let successes = try await EmulatorSupport.successfulRenders(on: emulator)
            #expect(successes.count == 9)
            #expect(successes.values.allSatisfy { $0 == 1 }, "\(successes)")
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 9)
            for panel in manifest["panels"]?.arrayValue ?? [] {
                let promptID = try #require(panel["prompt_id"]?.stringValue)
                #expect(await emulator.executionCount(promptID: promptID) == 1, "\(promptID) ran more than once")
            }
            let interrupted = await emulator.executedPromptCount - 9
            #expect(interrupted >= 0 && interrupted <= 2, "only the prompts running at the cancellation may have been stopped")
        }
    }

    @Test(arguments: [false, true])
    func aPromptOfAKilledProcessIsAdoptedNotResubmitted(finishedBeforeResume: Bool) async throws {
        let timing = TimingModel(modelLoad: .zero, perStep: .milliseconds(2), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: timing)) { emulator in
            let dir = try TestSupport.demoCopy()
            let options = EmulatorSupport.options([await emulator.baseURL])
            let project = try Project.load(from: dir)
            let template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
            let plan = try RenderPlan(project: project, template: template, options: options)

            // A "killed" earlier process: it recorded and posted panel_02's prompt, then died.
            let ledger = try Ledger(outputsDirectory: project.outputsDirectory)
            let run = try await ledger.beginRun(projectID: project.id, fresh: false)
            let job = plan.jobs[1]
            try await ledger.plan([PanelRecord(panelID: job.panelID, position: 1, shotID: job.panel.shotID, fingerprint: job.fingerprint,
                                               prompt: job.panel.prompt, negativePrompt: job.panel.negativePrompt, seed: job.seed,
                                               width: 512, height: 288, batchSize: 1)])
            _ = try await ledger.beginAttempt(job.panelID)
            let promptID = PromptIdentity.promptID(runID: run.runID, panelID: job.panelID, attempt: 1, part: 0)
            let url = await emulator.baseURL
            let graph = try job.graph(.init(firstImage: 0, imageCount: 1), catalog: nil)
            try await EmulatorSupport.withClient(url, clientID: PromptIdentity.clientID(runID: run.runID, server: url.absoluteString)) { client in
                try await ledger.recordPrompt(PromptRecord(promptID: promptID, panelID: job.panelID, attempt: 1, part: 0,
                                                           firstImage: 0, imageCount: 1, server: client.server))
                let run = try await client.submit(graph, promptID: promptID)
                if finishedBeforeResume { _ = try await run.result() }
            }

            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded)
            #expect(await emulator.executionCount(promptID: promptID) == 1)
            #expect(await emulator.executedPromptCount == 9)
            let manifest = try EmulatorSupport.manifest(dir)
            let panel = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" })
            #expect(panel["prompt_id"]?.stringValue == promptID)
        }
    }

    @Test func remainingImagesAreGroupedIntoContiguousPrompts() {
        #expect(PanelMachine.chunks([0, 1, 2, 3], size: 4) == [0..<4])
        #expect(PanelMachine.chunks([0, 1, 2, 3], size: 1) == [0..<1, 1..<2, 2..<3, 3..<4])
        #expect(PanelMachine.chunks([1, 3, 4, 5], size: 2) == [1..<2, 3..<5, 5..<6])
        #expect(PanelMachine.chunks([], size: 3).isEmpty)
        #expect(PanelDriver.count(.infinity) == 0 && PanelDriver.count(-.infinity) == 0 && PanelDriver.count(.nan) == 0)
        #expect(PanelDriver.count(1e20) == 1_000_000 && PanelDriver.count(-3) == 0 && PanelDriver.count(7.6) == 8)
    }
}

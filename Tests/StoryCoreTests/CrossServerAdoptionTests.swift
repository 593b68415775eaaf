import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

/// A killed run left a panel's prompt on server B; the resumed run renders that panel on server A.
/// The prompt on B must be settled first, so the panel is never rendered on two servers unannounced.
@Suite("A prompt left on another server is settled before the panel renders elsewhere", .timeLimit(.minutes(10)))
struct CrossServerAdoptionTests {
    enum Left: String, CaseIterable, Sendable {
        /// B finished it while nobody listened.
        case finished
        /// B is still running it.
        case running
        /// It waits in B's queue behind another prompt.
        case pending
        /// B does not answer at all.
        case unreachable
    }

    @Test(arguments: Left.allCases)
    func promptLeftOnAnotherServer(_ left: Left) async throws {
        let fast = TimingModel(modelLoad: .zero, perStep: .milliseconds(1), perNode: .milliseconds(1))
        let slow = TimingModel(modelLoad: .zero, perStep: .milliseconds(500), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: fast), EmulatorConfiguration(timing: left == .finished ? fast : slow)]) { emulators in
            let (a, b) = (emulators[0], emulators[1])
            let dir = try TestSupport.demoCopy()
            let project = try Project.load(from: dir)
            let options = EmulatorSupport.options([await a.baseURL])
            let plan = try RenderPlan(project: project, template: try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow), options: options)

            // The killed run: it recorded panel_02's prompt for B (and posted it, unless B is unreachable).
            let ledger = try Ledger(outputsDirectory: project.outputsDirectory)
            let run = try await ledger.beginRun(projectID: project.id, fresh: false)
            let job = plan.jobs[1]
            try await ledger.plan([PanelRecord(panelID: job.panelID, position: 1, shotID: job.panel.shotID, fingerprint: job.fingerprint,
                                               prompt: job.panel.prompt, negativePrompt: job.panel.negativePrompt, seed: job.seed,
                                               width: job.panel.resolution.width, height: job.panel.resolution.height, batchSize: 1)])
            _ = try await ledger.beginAttempt(job.panelID)
            let promptID = PromptIdentity.promptID(runID: run.runID, panelID: job.panelID, attempt: 1, part: 0)
            let graph = try job.graph(.init(firstImage: 0, imageCount: 1), catalog: nil)
            let refusing = try RefusingPort()
            defer { withExtendedLifetime(refusing) {} }
            let bURL = left == .unreachable ? refusing.url : await b.baseURL
            let blocker = try await EmulatorSupport.withClient(await b.baseURL) { client -> String? in
                var blocker: String?
                if left == .pending {
                    blocker = try await client.submit(graph, promptID: "blocker-\(UUID().uuidString)").promptID
                }
                try await ledger.recordPrompt(PromptRecord(promptID: promptID, panelID: job.panelID, attempt: 1, part: 0,
                                                           firstImage: 0, imageCount: 1, server: bURL.absoluteString))
                guard left != .unreachable else { return blocker }
                let prompt = try await client.submit(graph, promptID: promptID)
                try await ledger.setPromptState(promptID, .accepted)
                switch left {
                case .finished:
                    _ = try await prompt.result()
                case .running:
                    var events = prompt.makeAsyncIterator()
                    while let event = try await events.next() {
                        if case .server(.progress) = event { break }
                    }
                default:
                    break
                }
                return blocker
            }

            // The resumed run names only server A.
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(summary.failures)")
            let manifest = try EmulatorSupport.manifest(dir)
            let panel = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" })
            let notes = panel["note_codes"]?.arrayValue?.compactMap { $0.stringValue.flatMap(PanelNote.Code.init(rawValue:)) } ?? []
            let onA = await a.executedPromptCount
            switch left {
            case .finished:
                #expect(panel["prompt_id"]?.stringValue == promptID, "the result B finished is collected, not rendered again")
                #expect(onA == 8)
                #expect(notes.isEmpty, "\(notes)")
            case .running:
                #expect(notes.contains(.earlierPromptInterruptedElsewhere), "\(notes)")
                #expect(onA == 9)
                let entry = try await EmulatorSupport.withClient(await b.baseURL) { try await $0.history(promptID: promptID) }
                guard case .interrupted? = entry?.outcome else { Issue.record("B's prompt: \(String(describing: entry?.outcome))"); return }
            case .pending:
                #expect(onA == 9)
                #expect(await b.executionCount(promptID: promptID) == 0, "removed from B's queue before it ran")
                try await EmulatorSupport.withClient(await b.baseURL) { client in
                    #expect(try await client.queue().isPending(promptID) == false)
                    if let blocker { try await client.interrupt(promptID: blocker) }
                }
            case .unreachable:
                #expect(onA == 9)
                #expect(notes.contains(.earlierPromptUnanswered), "\(notes)")
            }
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 9)
        }
    }
}

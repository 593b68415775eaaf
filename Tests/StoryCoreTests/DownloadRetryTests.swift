import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

/// A panel that rendered but whose images would not download is fetched again, never rendered again
/// (RELIABILITY.md, bug 8).
@Suite("Images that would not download are fetched again, not rendered again", .timeLimit(.minutes(10)))
struct DownloadRetryTests {
    @Test func aPanelWhoseDownloadKeepsFailingIsFetchedAgainLater() async throws {
        // Seven failed downloads: the store's five tries are used up, the panel goes back to the queue,
        // and the next attempt fetches the same prompt's images after two more failures.
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(faults: FaultPlan(viewFailures: 7))) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_01"]
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded, "\(summary.failures)")
            #expect(summary.rendered == 1)
            #expect(events.contains { if case .retrying("panel_01", _) = $0 { true } else { false } }, "the panel went back to the queue once")
            #expect(await emulator.executedPromptCount == 1, "rendered once, downloaded on the second try")
            let manifest = try EmulatorSupport.manifest(dir)
            let panel = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_01" })
            #expect(panel["status"] == "completed")
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 1)
        }
    }

    @Test func aDownloadThatNeverWorksFailsThePanelWithoutRenderingItAgain() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(faults: FaultPlan(viewFailures: 1_000))) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_01"]
            options.maxTransportRetries = 0
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(!summary.succeeded)
            #expect(summary.failures["panel_01"]?.kind == .output)
            #expect(await emulator.executedPromptCount == 1)
        }
    }
}

import ComfyWorkflow
import Foundation
import StoryCore
import Testing

/// The documented JSON line format of `RenderEvent` and the progress state a display folds from events.
@Suite("render events have a stable JSON form and fold into progress")
struct EventFormatTests {
    private let summary = RenderSummary(
        runID: "run-1", total: 3, rendered: 1, kept: 1,
        failures: ["panel_03": RenderFailure(kind: .outOfMemory, message: "CUDA out of memory", nodeID: "3", nodeType: "KSampler")],
        pending: 0, cancelled: false, duration: .milliseconds(1500), manifest: URL(fileURLWithPath: "/p/outputs/manifest.json"))

    @Test func everyEventIsOneCompactObjectNamedInSnakeCase() {
        let file = StoredFile(path: "outputs/panel_01/a.png", nodeID: "9", bytes: 10, sha256: String(repeating: "a", count: 64))
        let events: [(RenderEvent, String)] = [
            (.runStarted(runID: "r", resumed: false, panels: 3, servers: ["http://a"]), "run_started"),
            (.planned(panelID: "panel_01", seed: .max, batchSize: 1), "planned"),
            (.kept(panelID: "panel_02", files: [file]), "kept"),
            (.queued(panelID: "panel_01", promptID: "p", server: "http://a", position: nil), "queued"),
            (.started(panelID: "panel_01", promptID: "p", server: "http://a"), "started"),
            (.progress(panelID: "panel_01", promptID: "p", node: "3", step: 2, total: 20), "progress"),
            (.preview(panelID: "panel_01", promptID: "p", format: "jpeg", bytes: [1, 2, 3]), "preview"),
            (.retrying(panelID: "panel_01", reason: .outOfMemory(step: .freeMemory, server: "http://127.0.0.1:8188")), "retrying"),
            (.completed(panelID: "panel_01", files: [file], notes: []), "completed"),
            (.failed(panelID: "panel_03", failure: RenderFailure(kind: .execution, message: "boom")), "failed"),
            (.serverUp(server: "http://a"), "server_up"),
            (.serverDown(server: "http://a", reason: "refused"), "server_down"),
            (.runFinished(summary), "run_finished"),
        ]
        for (event, name) in events {
            let line = event.jsonLine
            #expect(!line.contains("\n"))
            let parsed = try? JSONValue.parse(line)
            #expect(parsed?["event"]?.stringValue == name)
            #expect(parsed?.objectValue?.keys.first == "event")
        }
        #expect(RenderEvent.planned(panelID: "x", seed: .max, batchSize: 1).jsonLine.contains("18446744073709551615"))
        #expect(RenderEvent.preview(panelID: "x", promptID: "p", format: "png", bytes: [0, 1]).json["bytes"]?.intValue == 2)
    }

    @Test func summaryCarriesCountsFailuresAndManifest() {
        let json = RenderEvent.runFinished(summary).json
        #expect(json["completed"]?.intValue == 2)
        #expect(json["failed"]?.intValue == 1)
        #expect(json["succeeded"]?.boolValue == false)
        #expect(json["duration_seconds"]?.doubleValue == 1.5)
        #expect(json["manifest"]?.stringValue == "/p/outputs/manifest.json")
        #expect(json["failures"]?["panel_03"]?["node_type"]?.stringValue == "KSampler")
    }

    @Test func progressTracksActivePanelsAndEstimatesTheRest() {
        var progress = RenderProgress()
        let start = ContinuousClock.now
        progress.apply(.runStarted(runID: "r", resumed: false, panels: 4, servers: ["http://a"]), at: start)
        #expect(progress.estimatedRemaining(at: start) == nil)
        progress.apply(.kept(panelID: "panel_01", files: []), at: start)
        progress.apply(.queued(panelID: "panel_02", promptID: "p2", server: "http://a", position: 0), at: start)
        progress.apply(.queued(panelID: "panel_03", promptID: "p3", server: "http://a", position: 1), at: start)
        progress.apply(.progress(panelID: "panel_02", promptID: "p2", node: "3", step: 5, total: 20), at: start)
        #expect(progress.active.map(\.panelID) == ["panel_02", "panel_03"])
        #expect(progress.active[0].running && progress.active[0].step == 5 && progress.active[0].node == "3")
        #expect(!progress.active[1].running)
        progress.apply(.completed(panelID: "panel_02", files: [], notes: []), at: start + .seconds(2))
        #expect(progress.done == 2)
        #expect(progress.estimatedRemaining(at: start + .seconds(2)) == .seconds(4))
        progress.apply(.failed(panelID: "panel_03", failure: RenderFailure(kind: .execution, message: "x")), at: start + .seconds(3))
        #expect(progress.active.isEmpty)
        #expect(progress.failures.map(\.panelID) == ["panel_03"])
        progress.apply(.serverDown(server: "http://a", reason: "gone"))
        #expect(progress.downServers["http://a"] == "gone")
    }
}

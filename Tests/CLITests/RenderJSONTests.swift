import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `comfybridge render --json`: one JSON object per event on stdout, the summary last.
@Suite("render --json writes one parseable event per line, summary last")
struct RenderJSONTests {
    @Test func everyLineParsesAndTheLastIsTheRunSummary() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path, "--json"],
                                                in: project.deletingLastPathComponent())
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.isEmpty, "nothing for a person in --json mode without problems: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.count == result.lines.count)
        #expect(events.first?["event"]?.stringValue == "run_started")
        #expect(events.first?["panels"]?.intValue == 9)
        let completed = events.filter { $0["event"]?.stringValue == "completed" }
        #expect(completed.count == 9)
        #expect(completed.allSatisfy { ($0["files"]?.arrayValue?.first?["sha256"]?.stringValue?.count ?? 0) == 64 })
        let last = try #require(events.last)
        #expect(last["event"]?.stringValue == "run_finished")
        #expect(last["succeeded"]?.boolValue == true)
        #expect(last["completed"]?.intValue == 9)
        #expect(last["manifest"]?.stringValue == project.appendingPathComponent("outputs/manifest.json").path)
        let planned = events.filter { $0["event"]?.stringValue == "planned" }
        #expect(planned.allSatisfy { $0["seed"]?.uint64Value != nil })
    }

    @Test func notATerminalMeansJSONEvenWithoutTheFlag() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--panel", "panel_02"], in: project.deletingLastPathComponent(),
                                                environment: ["COMFYUI_URL": url])
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.last?["event"]?.stringValue == "run_finished")
        #expect(events.last?["total"]?.intValue == 1)
    }
}

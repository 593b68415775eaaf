import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// Ctrl-C during a render stops it cleanly with 130, and the next render completes it.
@Suite("SIGINT stops a render with 130 and the next render resumes it")
struct InterruptAndResumeTests {
    @Test func interruptThenResumeCompletesEveryPanel() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(20), perNode: .milliseconds(2))))
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let arguments = ["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path, "--json"]

        let child = try ChildProcess(arguments, in: project)
        var seen: [String] = []
        for await line in child.stdoutLines {
            seen.append(line)
            if line.contains("\"event\":\"started\"") {
                child.send(SIGINT)
                break
            }
        }
        let first = await child.finish(consumed: seen)
        #expect(first.status == 130, "stderr: \(first.stderr)")
        #expect(!first.signalled)
        let firstEvents = Fixtures.jsonObjects(first.lines)
        let summary = try #require(firstEvents.last)
        #expect(summary["event"]?.stringValue == "run_finished")
        #expect(summary["cancelled"]?.boolValue == true)
        #expect((summary["pending"]?.intValue ?? 0) > 0)
        let manifest = try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("outputs/manifest.json")))
        #expect(manifest["totals"]?["panels"]?.intValue == 9)
        let queue = try await ChildProcess.run(["queue", "--server", url, "--json"], in: project)
        let snapshot = try #require(Fixtures.jsonObjects(queue.lines).first)
        #expect(snapshot["pending"]?.arrayValue?.isEmpty == true, "the run's waiting prompts were removed: \(queue.stdout)")

        let second = try await ChildProcess.run(arguments, in: project)
        await emulator.stop()
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let events = Fixtures.jsonObjects(second.lines)
        #expect(events.first?["resumed"]?.boolValue == true)
        let last = try #require(events.last)
        #expect(last["completed"]?.intValue == 9)
        #expect(last["succeeded"]?.boolValue == true)
        #expect(last["run_id"] == summary["run_id"])
    }
}

import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `render --clip-workflow`: a kill -9 during the clips resumes without a second clip; a graph with no
/// frame count fails up front; `panels` lists each clip under its shot.
@Suite("render --clip-workflow from the command line")
struct ShotClipCommandTests {
    static let wanWorkflow = Repository.path("workflows/storycore_clip_wan.json")

    /// A demo copy whose shot_01 lasts one second (17 frames at Wan's 16 fps).
    static func project() throws -> URL {
        let dir = try Fixtures.demoProjectCopy()
        let url = dir.appendingPathComponent("storyboard.json")
        let storyboard = try JSONValue.parse(Data(contentsOf: url))
        guard case .object(var root) = storyboard, case .array(var shots)? = root["shots"] else { throw CocoaError(.fileReadCorruptFile) }
        for index in shots.indices where shots[index]["shot_id"] == "shot_01" {
            guard case .object(var shot) = shots[index] else { continue }
            shot["duration_seconds"] = 1.0
            shots[index] = .object(shot)
        }
        root["shots"] = .array(shots)
        try Data(JSONValue.object(root).serialized(.pretty)).write(to: url)
        return dir
    }

    @Test func aKillDuringTheClipResumesWithoutASecondClip() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(40), perNode: .milliseconds(2))))
        let project = try Self.project()
        let url = await emulator.baseURL.absoluteString
        let arguments = ["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                         "--clip-workflow", Self.wanWorkflow.path, "--shot", "shot_01", "--json"]
        let child = try ChildProcess(arguments, in: project)
        var seen: [String] = []
        for await line in child.stdoutLines {
            seen.append(line)
            if line.contains("\"event\":\"started\""), line.contains("\"panel_id\":\"shot_01\"") {
                child.send(SIGKILL)
                break
            }
        }
        let killed = await child.finish(consumed: seen)
        #expect(killed.signalled, "the render was killed during the clip: \(killed.stderr)")

        let second = try await ChildProcess.run(arguments, in: project)
        #expect(second.status == 0, "stderr: \(second.stderr)")
        let last = try #require(Fixtures.jsonObjects(second.lines).last)
        #expect(last["succeeded"]?.boolValue == true)

        let executions = await emulator.executedPromptCount
        let manifest = try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("outputs/manifest.json")))
        let clip = try #require(manifest["clips"]?.arrayValue?.first)
        #expect(clip["shot_id"] == "shot_01")
        #expect(clip["status"] == "completed")
        #expect(clip["frames"] == 17)
        let promptID = try #require(clip["prompt_id"]?.stringValue)
        #expect(await emulator.executionCount(promptID: promptID) == 1, "the clip ran once")
        #expect(executions == 3, "two panels and one clip, each once (\(executions) executions)")

        let panels = try await ChildProcess.run(["panels", project.path], in: project)
        await emulator.stop()
        #expect(panels.status == 0, "stderr: \(panels.stderr)")
        let lines = panels.stdout.split(separator: "\n").map(String.init)
        let panel02 = try #require(lines.firstIndex { $0.hasPrefix("panel_02") })
        let clipLine = try #require(lines.firstIndex { $0.contains("clip shot_01 v1 completed, 17 frames at 16 fps from panel_01") },
                                    "\(panels.stdout)")
        #expect(clipLine > panel02, "the clip is listed under its shot's last panel")
        let panel03 = try #require(lines.firstIndex { $0.hasPrefix("panel_03") })
        #expect(clipLine < panel03)
    }

    @Test func aClipWorkflowWithoutAFrameCountExitsTwoWithOneLineAndSubmitsNothing() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Self.project()
        let graph = project.appendingPathComponent("still.json")
        try Data(#"""
            {"1": {"class_type": "LoadImage", "inputs": {"image": "x.png"}},
             "2": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["1", 0], "filename_prefix": "x", "fps": 8.0, "lossless": true, "quality": 80, "method": "default"}}}
            """#.utf8).write(to: graph)
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                                                 "--clip-workflow", graph.path], in: project)
        let executed = await emulator.executedPromptCount
        await emulator.stop()
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let errorLines = result.stderr.split(separator: "\n")
        #expect(errorLines.count == 1, "\(result.stderr)")
        #expect(result.stderr.contains("still.json") && result.stderr.contains("--clip-length-input NODE.INPUT"))
        #expect(executed == 0)
    }
}

import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `render --panel/--shot/--redo` and `panels`, run as a user runs them.
@Suite("render --panel, --shot and --redo, and the panels listing")
struct RedoCommandTests {
    @Test(arguments: [
        (["--panel", "panel_42"], "unknown panel \"panel_42\"; valid panels: panel_01"),
        (["--shot", "shot_99"], "unknown shot \"shot_99\"; valid shots: shot_01"),
        (["--redo", "panel_x"], "unknown panel \"panel_x\"; valid panels: panel_01"),
    ])
    func anUnknownIdExitsTwoWithOneLineListingValidIds(flags: [String], message: String) async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--server", "http://127.0.0.1:9"] + flags, in: project)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("outputs").path))
    }

    /// A redo whose process is killed (SIGKILL: no clean-up at all) while the server runs its
    /// prompt is finished by the next plain render: one version 2, its prompt executed once.
    @Test func aRedoKilledMidRunIsFinishedByTheNextRenderAsTheSameVersion() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(20), perNode: .milliseconds(2))))
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let base = ["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path, "--json"]
        let first = try await ChildProcess.run(base + ["--panel", "panel_02"], in: project)
        #expect(first.status == 0, "stderr: \(first.stderr)")

        let child = try ChildProcess(base + ["--redo", "panel_02", "--seed", "31337"], in: project)
        var seen: [String] = []
        var killedPrompt: String?
        for await line in child.stdoutLines {
            seen.append(line)
            if line.contains("\"event\":\"progress\"") {
                killedPrompt = (try? JSONValue.parse(Array(line.utf8)))?["prompt_id"]?.stringValue
                child.send(SIGKILL)
                break
            }
        }
        let killed = await child.finish(consumed: seen)
        #expect(killed.signalled, "the redo was killed, not finished")
        let promptID = try #require(killedPrompt)

        let resumed = try await ChildProcess.run(base + ["--panel", "panel_02"], in: project)
        #expect(resumed.status == 0, "stderr: \(resumed.stderr)")
        #expect(await emulator.executionCount(promptID: promptID) == 1, "the killed process's prompt was adopted, not sent again")
        await emulator.stop()

        let manifest = try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("outputs/manifest.json")))
        let entry = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" })
        #expect(entry["version"] == 2 && entry["status"] == "completed" && entry["seed"] == 31337)
        #expect(entry["prompt_id"]?.stringValue == promptID)
        #expect(entry["versions"]?.arrayValue?.count == 2)
        let folder = project.appendingPathComponent("outputs/panel_02")
        let subfolders = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasPrefix("v") }
        #expect(subfolders == ["v2"], "\(subfolders)")
        let document = try JSONValue.parse(Data(contentsOf: project.appendingPathComponent("project.json")))
        let entries = document["asset_manifest"]?["comfyui_panels"]?.arrayValue ?? []
        #expect(entries.first { $0["panel_id"] == "panel_02" }?["asset_id"] == "panel_02_comfyui_v2")
    }

    @Test func aSeedWithoutRedoIsAUsageError() async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--seed", "5"], in: project)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--redo"), "\(result.stderr)")
    }

    @Test func aRedoWithASeedMakesVersion2AndPanelsListsIt() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let base = ["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path]
        let first = try await ChildProcess.run(base + ["--shot", "shot_05", "--json"], in: project)
        #expect(first.status == 0, "stderr: \(first.stderr)")
        #expect(Fixtures.jsonObjects(first.lines).last?["completed"]?.intValue == 2)

        let redo = try await ChildProcess.run(base + ["--redo", "panel_07", "--seed", "99", "--json"], in: project)
        await emulator.stop()
        #expect(redo.status == 0, "stderr: \(redo.stderr)")
        let last = Fixtures.jsonObjects(redo.lines).last
        #expect(last?["redone"]?["panel_07"]?.intValue == 2)
        #expect(last?["total"]?.intValue == 1)

        let listing = try await ChildProcess.run(["panels", project.path, "--json"], in: project)
        #expect(listing.status == 0, "stderr: \(listing.stderr)")
        let report = try JSONValue.parse(Array(listing.stdout.utf8))
        let panels = try #require(report["panels"]?.arrayValue)
        #expect(panels.count == 9)
        let seven = try #require(panels.first { $0["panel_id"] == "panel_07" })
        #expect(seven["version"] == 2 && seven["status"] == "completed" && seven["seed"] == 99 && seven["shot_id"] == "shot_05")
        #expect(seven["files"]?[0]?["path"]?.stringValue?.hasPrefix("outputs/panel_07/v2/") == true)
        #expect(seven["previous_versions"]?[0]?["version"] == 1)
        #expect(panels.first { $0["panel_id"] == "panel_01" }?["status"] == "not_rendered")

        let text = try await ChildProcess.run(["panels", project.path], in: project)
        #expect(text.status == 0)
        #expect(text.stdout.contains("panel_07") && text.stdout.contains("outputs/panel_07/v2/") && text.stdout.contains("v1 completed"), "\(text.stdout)")
    }
}

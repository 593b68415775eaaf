import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `run`, `status`, `queue`, `history`, `interrupt` and `free` against an emulator.
@Suite("one-server commands talk to a live server and print parseable JSON")
struct ServerCommandTests {
    @Test func runInjectsParametersAndDownloadsTheImages() async throws {
        let emulator = try await Fixtures.emulator()
        let folder = try Fixtures.temporaryFolder()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(
            ["run", Fixtures.sdxlWorkflow.path, "--server", url, "--seed", "18446744073709551615", "--prompt", "a lighthouse at dusk",
             "--size", "512x384", "--batch", "2", "--steps", "4", "--set", "3.cfg=5.5", "--out", "images", "--json"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        let completed = try #require(events.last)
        #expect(completed["event"]?.stringValue == "completed")
        let files = completed["files"]?.arrayValue ?? []
        #expect(files.count == 2)
        for file in files {
            let path = try #require(file["path"]?.stringValue)
            #expect(path.hasPrefix(folder.appendingPathComponent("images").path))
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(data.count == file["bytes"]?.intValue)
            #expect(Array(data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
        }
        #expect(events.contains { $0["event"]?.stringValue == "progress" && $0["total"]?.intValue == 4 })
        let promptID = try #require(completed["prompt_id"]?.stringValue)
        let history = try await ChildProcess.run(["history", promptID, "--server", url, "--json"], in: folder)
        await emulator.stop()
        #expect(history.status == 0, "stderr: \(history.stderr)")
        let entry = try #require(Fixtures.jsonObjects(history.lines).first)
        #expect(entry["status"]?.stringValue == "success")
        #expect(entry["files"]?.arrayValue?.count == 2)
    }

    @Test func runRefusesASizeTheLatentCannotTakeBeforeQueueing() async throws {
        let emulator = try await Fixtures.emulator()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["run", Fixtures.sdxlWorkflow.path, "--server", url, "--size", "513x512"],
                                                in: try Fixtures.temporaryFolder())
        let executed = await emulator.executedPromptCount
        await emulator.stop()
        #expect(result.status == 2)
        #expect(result.stderr.contains("node 5"), "names the latent node: \(result.stderr)")
        #expect(executed == 0)
    }

    @Test func statusReportsVersionDevicesAndQueue() async throws {
        let emulator = try await Fixtures.emulator()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["status", "--server", url, "--json"], in: try Fixtures.temporaryFolder())
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let status = try #require(Fixtures.jsonObjects(result.lines).first)
        #expect(status["reachable"]?.boolValue == true)
        #expect(status["comfyui_version"]?.stringValue != nil)
        #expect(status["devices"]?[0]?["vram_free"]?.uint64Value != nil)
        #expect(status["queue"]?["pending"]?.intValue == 0)
    }

    @Test func statusWithOneServerDownStillReportsTheOther() async throws {
        let emulator = try await Fixtures.emulator()
        let up = await emulator.baseURL.absoluteString
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let down = refusing.url.absoluteString
        let result = try await ChildProcess.run(["status", "--server", up, "--server", down, "--json"], in: try Fixtures.temporaryFolder())
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = Fixtures.jsonObjects(result.lines)
        #expect(lines.map { $0["reachable"]?.boolValue } == [true, false])
    }

    @Test func queueFreeAndInterruptAnswerOnAnIdleServer() async throws {
        let emulator = try await Fixtures.emulator()
        let url = await emulator.baseURL.absoluteString
        let folder = try Fixtures.temporaryFolder()
        let queue = try await ChildProcess.run(["queue", "--clear", "--server", url, "--json"], in: folder)
        let free = try await ChildProcess.run(["free", "--unload-models", "--server", url, "--json"], in: folder)
        let interrupt = try await ChildProcess.run(["interrupt", "--server", url, "--json"], in: folder)
        let missing = try await ChildProcess.run(["history", "no-such-prompt", "--server", url], in: folder)
        await emulator.stop()
        #expect(queue.status == 0 && free.status == 0 && interrupt.status == 0, "\(queue.stderr) \(free.stderr) \(interrupt.stderr)")
        #expect(Fixtures.jsonObjects(queue.lines).first?["running"]?.arrayValue?.isEmpty == true)
        #expect(Fixtures.jsonObjects(free.lines).first?["unloaded_models"]?.boolValue == true)
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("no-such-prompt"))
    }

    @Test func tokenIsSentButNeverPrinted() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let url = refusing.url.absoluteString
        let result = try await ChildProcess.run(["status", "--server", url, "--verbose"], in: try Fixtures.temporaryFolder(),
                                                environment: ["COMFYUI_TOKEN": "s3cret-token-value"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("token: ****"))
        #expect(!result.stderr.contains("s3cret") && !result.stdout.contains("s3cret"))
    }

    @Test func badServerURLIsTwo() async throws {
        let result = try await ChildProcess.run(["status", "--server", "ftp://example"], in: try Fixtures.temporaryFolder())
        #expect(result.status == 2)
        #expect(result.stderr.contains("--server 'ftp://example'"))
    }
}

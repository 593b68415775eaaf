import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `validate` converting UI exports, `run` under Ctrl-C, and flags that must fail loudly.
@Suite("validate converts UI exports; run stops cleanly on Ctrl-C; bad flags are bad input")
struct WorkflowCommandTests {
    private static let fixtures = CLIBinary.repository.appendingPathComponent("Tests/Fixtures/workflow")

    @Test func validateConvertsAUIExportAndWritesTheAPIFormat() async throws {
        let emulator = try await Fixtures.emulator()
        let url = await emulator.baseURL.absoluteString
        let folder = try Fixtures.temporaryFolder()
        let result = try await ChildProcess.run(["validate", Self.fixtures.appendingPathComponent("ui_sdxl.json").path,
                                                 "--server", url, "--write-api", "api.json", "--json"], in: folder)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let report = try #require(Fixtures.jsonObjects(result.lines).first)
        #expect(report["format"]?.stringValue == "ui")
        #expect(report["catalog"]?.stringValue == url)
        #expect(report["valid"]?.boolValue == true)
        let written = try Workflow(contentsOf: folder.appendingPathComponent("api.json"))
        #expect(written.nodes.contains { $0.node.classType == "KSampler" })
        let rerun = try await ChildProcess.run(["run", "api.json", "--server", url, "--steps", "2", "--json", "--out", "o"], in: folder)
        await emulator.stop()
        #expect(rerun.status == 0, "the converted graph runs: \(rerun.stderr)")
    }

    @Test func runStoppedByCtrlCInterruptsItsPromptAndExits130() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(50))))
        let url = await emulator.baseURL.absoluteString
        let folder = try Fixtures.temporaryFolder()
        let child = try ChildProcess(["run", Fixtures.sdxlWorkflow.path, "--server", url, "--steps", "200", "--json"], in: folder)
        var seen: [String] = []
        for await line in child.stdoutLines {
            seen.append(line)
            if line.contains("\"event\":\"progress\"") { child.send(SIGINT); break }
        }
        let result = await child.finish(consumed: seen)
        #expect(result.status == 130, "stderr: \(result.stderr)")
        let promptID = try #require(Fixtures.jsonObjects(result.lines).first?["prompt_id"]?.stringValue)
        let history = try await ChildProcess.run(["history", promptID, "--server", url, "--json"], in: folder)
        await emulator.stop()
        #expect(Fixtures.jsonObjects(history.lines).first?["status"]?.stringValue == "interrupted", "\(history.stdout) \(history.stderr)")
    }

    @Test func twoServersShareTheRender() async throws {
        let first = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(5))))
        let second = try await Fixtures.emulator(EmulatorConfiguration(timing: TimingModel(perStep: .milliseconds(5))))
        let urls = [await first.baseURL.absoluteString, await second.baseURL.absoluteString]
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--server", urls[0], "--server", urls[1], "--json"], in: project)
        let counts = [await first.executedPromptCount, await second.executedPromptCount]
        await first.stop()
        await second.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(counts.allSatisfy { $0 > 0 }, "both servers rendered: \(counts)")
        #expect(counts.reduce(0, +) == 9)
        let started = Fixtures.jsonObjects(result.lines).first
        #expect(started?["servers"]?.arrayValue?.count == 2)
    }

    @Test func unreadableCACertificateIsBadInputNamingTheFile() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Data("not a certificate".utf8).write(to: folder.appendingPathComponent("ca.pem"))
        let missing = try await ChildProcess.run(["status", "--server", "https://127.0.0.1:9", "--ca-cert", "nope.pem"], in: folder)
        let garbage = try await ChildProcess.run(["status", "--server", "https://127.0.0.1:9", "--ca-cert", "ca.pem"], in: folder)
        #expect(missing.status == 2 && missing.stderr.contains("nope.pem"), "\(missing.stderr)")
        #expect(garbage.status == 2 && garbage.stderr.contains("ca.pem"), "\(garbage.stderr)")
    }

    @Test func verboseListsEveryServerReasonBeyondTheOneLine() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let url = refusing.url.absoluteString
        let project = try Fixtures.demoProjectCopy()
        let quiet = try await ChildProcess.run(["render", project.path, "--server", url, "--json"], in: project)
        let verbose = try await ChildProcess.run(["render", project.path, "--server", url, "--json", "--verbose"], in: project)
        #expect(quiet.status == 3 && verbose.status == 3)
        #expect(quiet.stderr.split(separator: "\n").count == 1, "\(quiet.stderr)")
        #expect(verbose.stderr.split(separator: "\n").count > 1, "\(verbose.stderr)")
    }
}

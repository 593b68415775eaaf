import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// Each documented exit code, produced by a real cause.
@Suite("exit codes mean what the README says")
struct ExitCodeTests {
    @Test func missingProjectFolderIsBadInputNamingTheFile() async throws {
        let folder = try Fixtures.temporaryFolder()
        let result = try await ChildProcess.run(["render", "no-such-project", "--server", "http://127.0.0.1:9"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("project.json"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func malformedProjectIsBadInputNamingTheField() async throws {
        let project = try Fixtures.demoProjectCopy()
        let file = project.appendingPathComponent("project.json")
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\"global_seed\": 42", with: "\"global_seed\": \"forty-two\"")
        try Data(text.utf8).write(to: file)
        let result = try await ChildProcess.run(["render", project.path, "--server", "http://127.0.0.1:9"], in: project)
        #expect(result.status == 2)
        #expect(result.stderr.contains("global_seed"), "\(result.stderr)")
    }

    @Test func usageErrorIsTwo() async throws {
        let result = try await ChildProcess.run(["render"], in: try Fixtures.temporaryFolder())
        #expect(result.status == 2)
        #expect(result.stderr.contains("project-dir"), "\(result.stderr)")
    }

    @Test func invalidWorkflowJSONIsTwo() async throws {
        let folder = try Fixtures.temporaryFolder()
        try Data("{\"3\": {\"class_type\": ".utf8).write(to: folder.appendingPathComponent("broken.json"))
        let result = try await ChildProcess.run(["validate", "broken.json"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("broken.json: invalid JSON"), "\(result.stderr)")
    }

    @Test func unreachablePortIsThree() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        let url = refusing.url.absoluteString
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--json"], in: project)
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(url.replacingOccurrences(of: "http://", with: "")), "names the server: \(result.stderr)")
        let status = try await ChildProcess.run(["status", "--server", url], in: project)
        #expect(status.status == 3)
    }

    @Test func failingPanelsAreOne() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: .instant, vramBytes: 64 << 20))
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--panel", "panel_01", "--json"], in: project)
        await emulator.stop()
        #expect(result.status == 1, "stderr: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        let failed = events.first { $0["event"]?.stringValue == "failed" }
        #expect(failed?["panel_id"]?.stringValue == "panel_01")
        #expect(failed?["error"]?["kind"]?.stringValue != nil)
        #expect(events.last?["failures"]?["panel_01"] != nil)
    }

    @Test func validationProblemsAreTwoAndEachIsListed() async throws {
        let folder = try Fixtures.temporaryFolder()
        var text = try String(contentsOf: Fixtures.sdxlWorkflow, encoding: .utf8)
        text = text.replacingOccurrences(of: "\"VAEDecode\"", with: "\"NoSuchDecoder\"")
            .replacingOccurrences(of: "\"width\": 1024", with: "\"width\": 1000000")
        try Data(text.utf8).write(to: folder.appendingPathComponent("bad.json"))
        let result = try await ChildProcess.run(["validate", "bad.json", "--json"], in: folder)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        let report = try #require(Fixtures.jsonObjects(result.lines).first)
        #expect(report["valid"]?.boolValue == false)
        #expect(report["catalog"]?.stringValue == "embedded emulator")
        let problems = report["problems"]?.arrayValue ?? []
        #expect(problems.contains { $0["node_id"]?.stringValue == "8" && $0["kind"]?.stringValue == "unknown_class_type" })
        #expect(problems.contains { $0["node_id"]?.stringValue == "5" && $0["input"]?.stringValue == "width" })
    }

    @Test func validWorkflowIsZeroAndSaysWhichCatalogue() async throws {
        let result = try await ChildProcess.run(["validate", Fixtures.sdxlWorkflow.path], in: try Fixtures.temporaryFolder())
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("embedded emulator"))
        #expect(result.stdout.contains("no problems"))
    }
}

import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `render --dashboard` and `dashboard`: the URL on stderr, loopback by default, a token elsewhere.
@Suite("the dashboard commands listen safely and print their URL")
struct DashboardCommandTests {
    @Test func aNonLoopbackAddressWithoutATokenExitsTwoWithOneLine() async throws {
        let project = try Fixtures.demoProjectCopy()
        let noToken = ["COMFYBRIDGE_DASHBOARD_TOKEN": ""]
        for arguments in [["render", project.path, "--server", "http://127.0.0.1:9", "--dashboard", "0.0.0.0:0"],
                          ["dashboard", project.path, "--server", "http://127.0.0.1:9", "--listen", "0.0.0.0:0"]] {
            let result = try await ChildProcess.run(arguments, in: project, environment: noToken)
            #expect(result.status == 2, "\(arguments[0]): \(result.stderr)")
            #expect(result.stderr.contains("--dashboard-token"), "\(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("outputs").path), "nothing was started")
    }

    @Test func renderWithADashboardPrintsItsURLNeverTheTokenAndFinishes() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                                                 "--json", "--dashboard", "127.0.0.1:0", "--previews", "latent2rgb"],
                                                in: project, environment: ["COMFYBRIDGE_DASHBOARD_TOKEN": "hush-7731"])
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.hasPrefix("Dashboard: http://127.0.0.1:"), "\(result.stderr)")
        #expect(!result.stderr.contains("hush-7731") && !result.stdout.contains("hush-7731"), "the token is never printed")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.last?["event"]?.stringValue == "run_finished")
        #expect(events.last?["succeeded"]?.boolValue == true)
        #expect(events.contains { $0["event"]?.stringValue == "preview" }, "--previews asks the server for sampler previews")
    }

    @Test func aBadPreviewMethodIsBadInput() async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--previews", "sepia"], in: project)
        #expect(result.status == 2)
        #expect(result.stderr.contains("--previews"), "\(result.stderr)")
    }
}

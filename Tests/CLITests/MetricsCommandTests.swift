import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `render --metrics [HOST:]PORT`: one clear line for a bad address, the scrape address on stderr otherwise.
@Suite("render --metrics parses its address and prints where it serves")
struct MetricsCommandTests {
    @Test(arguments: ["nonsense", "70000", "::1:9464", "host:"])
    func aBadAddressExitsTwoWithOneLine(address: String) async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--server", "http://127.0.0.1:9", "--metrics", address], in: project)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--metrics \(address)"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "one line: \(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("outputs").path), "nothing was started")
    }

    @Test func renderWithMetricsPrintsTheScrapeAddressAndFinishes() async throws {
        let emulator = try await Fixtures.emulator()
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let result = try await ChildProcess.run(["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path,
                                                 "--json", "--metrics", "127.0.0.1:0"], in: project)
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let line = result.stderr.split(separator: "\n").first { $0.hasPrefix("Metrics: ") }
        #expect(line?.hasPrefix("Metrics: http://127.0.0.1:") == true && line?.hasSuffix("/metrics") == true, "\(result.stderr)")
        #expect(line != "Metrics: http://127.0.0.1:0/metrics", "the bound port is printed, not 0")
        #expect(Fixtures.jsonObjects(result.lines).last?["succeeded"]?.boolValue == true)
    }
}

import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `render --qa`, `--min-sharpness` and `--no-handoff`, and the QA column of `panels`, run as a user runs them.
@Suite("render --qa and --no-handoff, and the panels QA column")
struct QualityCommandTests {
    @Test(arguments: [["--qa", "sometimes"], ["--qa", "redo:0"], ["--min-sharpness", "-1"]])
    func aBadQualityOptionExitsTwoWithOneLine(flags: [String]) async throws {
        let project = try Fixtures.demoProjectCopy()
        let result = try await ChildProcess.run(["render", project.path, "--server", "http://127.0.0.1:9"] + flags, in: project)
        #expect(result.status == 2, "stderr: \(result.stderr)")
        #expect(result.stderr.contains(flags[0]), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("outputs").path))
    }

    @Test func aRenderHandsOnAndPanelsShowsTheVerdictNoHandoffWritesNoAssets() async throws {
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(timing: .instant))
        let project = try Fixtures.demoProjectCopy()
        let url = await emulator.baseURL.absoluteString
        let base = ["render", project.path, "--server", url, "--workflow", Fixtures.sdxlWorkflow.path, "--json"]
        let plain = try await ChildProcess.run(base + ["--panel", "panel_01", "--no-handoff"], in: project)
        #expect(plain.status == 0, "stderr: \(plain.stderr)")
        #expect(!FileManager.default.fileExists(atPath: project.appendingPathComponent("assets").path))

        let handed = try await ChildProcess.run(base + ["--panel", "panel_02", "--qa", "redo:2", "--min-sharpness", "60"], in: project)
        #expect(handed.status == 0, "stderr: \(handed.stderr)")
        await emulator.stop()
        for name in ["panel_01.ppm", "panel_01.png", "panel_02.ppm", "panel_02.png"] {
            #expect(FileManager.default.fileExists(atPath: project.appendingPathComponent("assets/images/panels/\(name)").path), "\(name)")
        }
        let listing = try await ChildProcess.run(["panels", project.path], in: project)
        #expect(listing.status == 0, "stderr: \(listing.stderr)")
        let lines = listing.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.contains("  QA  ") == true, "\(lines.first ?? "")")
        #expect(lines.contains { $0.hasPrefix("panel_02") && $0.contains(" ok ") }, "\(listing.stdout)")
    }
}

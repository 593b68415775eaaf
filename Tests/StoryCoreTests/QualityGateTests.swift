import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
@testable import StoryCore
import StoryCoreImaging
import Testing

/// `render --qa`: verdicts recorded per file, and redos of a failing panel, against an emulator that
/// draws a chosen seed's image black (`EmulatorConfiguration.blankImageSeeds`).
@Suite("Quality gate on rendered panels")
struct QualityGateTests {
    static let seed = PanelSeed.derive(globalSeed: 42, panelID: "panel_01")

    static func render(policy: QualityPolicy, blank: Set<UInt64>) async throws -> (dir: URL, manifest: JSONValue, executed: Int, events: [RenderEvent]) {
        var configuration = EmulatorConfiguration(timing: .instant)
        configuration.blankImageSeeds = blank
        return try await EmulatorSupport.withEmulator(configuration) { emulator in
            let dir = try TestSupport.demoCopy()
            var options = EmulatorSupport.options([await emulator.baseURL])
            options.panelSelection = ["panel_01"]
            options.quality = policy
            let (summary, events) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: options))
            #expect(summary.succeeded)
            return (dir, try EmulatorSupport.manifest(dir), await emulator.executedPromptCount, events)
        }
    }

    @Test func redoTwiceOnABlankFirstVersionEndsWithVersionTwoCurrentAndEveryVerdictRecorded() async throws {
        let (dir, manifest, executed, events) = try await Self.render(policy: .redo(maxRedos: 2), blank: [Self.seed])
        #expect(executed == 2)
        let panel = try #require(manifest["panels"]?[0])
        #expect(panel["status"] == "completed" && panel["version"] == 2)
        #expect(panel["seed"]?.uint64Value == Self.seed + 1)
        #expect(panel["overrides"]?["seed"]?.uint64Value == Self.seed + 1)
        #expect(panel["files"]?[0]?["quality"]?["verdict"] == "ok")
        #expect(panel["note_codes"]?.arrayValue?.contains("quality_redo") == true)
        let versions = try #require(panel["versions"]?.arrayValue)
        #expect(versions.count == 2)
        #expect(versions[0]["status"] == "completed" && versions[0]["seed"]?.uint64Value == Self.seed)
        let first = try #require(versions[0]["files"]?[0])
        #expect(first["quality"]?["verdict"] == "blank" && first["quality"]?["stddev"]?.doubleValue == 0 && first["quality"]?["mean"]?.doubleValue == 0)
        #expect(versions[0]["note_codes"]?.arrayValue?.contains("quality_failed") == true)
        // Both versions' files are kept, and the hand-off is version 2's image.
        #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) >= 1)
        let v1 = try #require(first["path"]?.stringValue)
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(v1).path))
        let v2 = try #require(panel["files"]?[0]?["path"]?.stringValue)
        #expect(v2.hasPrefix("outputs/panel_01/v2/"))
        let handed = try PPMCodec.decode(Data(contentsOf: dir.appendingPathComponent("assets/images/panels/panel_01.ppm")), source: "ppm")
        #expect(handed == (try PNGCodec.decode(contentsOf: dir.appendingPathComponent(v2))))
        #expect(events.contains { if case .retrying(_, .quality(.blank, 2, Self.seed + 1, _)) = $0 { true } else { false } })
    }

    @Test func aPanelStillFailingAfterItsRedosCompletesWithItsVerdictAndANotice() async throws {
        let (_, manifest, executed, _) = try await Self.render(policy: .redo(maxRedos: 1), blank: [Self.seed, Self.seed + 1])
        #expect(executed == 2)
        let panel = try #require(manifest["panels"]?[0])
        #expect(panel["status"] == "completed" && panel["version"] == 2)
        #expect(panel["files"]?[0]?["quality"]?["verdict"] == "blank")
        #expect(panel["note_codes"]?.arrayValue?.contains("quality_still_failing") == true)
    }

    @Test func reportPolicyRecordsTheVerdictButDoesNotRedo() async throws {
        let (_, manifest, executed, _) = try await Self.render(policy: .report, blank: [Self.seed])
        #expect(executed == 1)
        let panel = try #require(manifest["panels"]?[0])
        #expect(panel["version"] == 1 && panel["status"] == "completed")
        let quality = try #require(panel["files"]?[0]?["quality"])
        #expect(quality["verdict"] == "blank")
        for key in ["sharpness", "mean", "stddev", "dark_share", "bright_share"] { #expect(quality[key]?.doubleValue != nil, "\(key)") }
        #expect(panel["note_codes"]?.arrayValue?.contains("quality_failed") == true)
    }

    @Test func aPassingPanelIsRecordedOK() async throws {
        let (_, manifest, _, _) = try await Self.render(policy: .report, blank: [])
        let quality = try #require(manifest["panels"]?[0]?["files"]?[0]?["quality"])
        #expect(quality["verdict"] == "ok")
        #expect((quality["sharpness"]?.doubleValue ?? 0) >= 50)
    }

    @Test func offPolicyRecordsNothing() async throws {
        let (_, manifest, executed, _) = try await Self.render(policy: .off, blank: [Self.seed])
        #expect(executed == 1)
        let panel = try #require(manifest["panels"]?[0])
        #expect(panel["files"]?[0]?["quality"] == .null)
        #expect(panel["note_codes"]?.arrayValue?.contains("quality_failed") == false)
    }
}

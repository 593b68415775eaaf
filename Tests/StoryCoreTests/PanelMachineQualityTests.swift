@testable import ComfyAPI
import ComfyWorkflow
@testable import StoryCore
import StoryCoreImaging
import Testing

/// The quality gate's transitions of the panel lifecycle, without a server (`render --qa`).
@Suite struct PanelMachineQualityTests {
    static func report(_ verdict: QualityVerdict, sharpness: Double = 120) -> QualityReport {
        QualityReport(verdict: verdict, measures: ImageMeasures(mean: 100, stddev: 30, darkShare: 0, brightShare: 0, sharpness: sharpness,
                                                                width: 8, height: 8))
    }

    static func file(_ verdict: QualityVerdict?) -> StoredFile {
        StoredFile(path: "outputs/panel_01/a.png", nodeID: "9", bytes: 10, sha256: "ab", quality: verdict.map { report($0, sharpness: 0) })
    }

    /// A machine with `policy` that has submitted, followed and downloaded one image with `verdict`;
    /// returns it with the actions of the download.
    static func downloaded(_ verdict: QualityVerdict?, policy: QualityPolicy, redos: Int = 0) throws -> (PanelMachine, [PanelMachine.Action]) {
        var setup = PanelMachineTests.setup()
        setup.quality = policy
        setup.qualityRedos = redos
        var machine = PanelMachine(setup)
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        guard case .submit(let record, _)? = machine.handle(.attemptBegun(1)).first else { throw CancellationError() }
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try PanelMachineTests.result(record.promptID)))
        let actions = machine.handle(.downloaded([file(verdict)]))
        return (machine, actions)
    }

    @Test func aFailingImageIsNotedWhenItIsStored() throws {
        let (_, actions) = try Self.downloaded(.blank, policy: .report)
        #expect(actions.contains(.note(.qualityFailed(path: "outputs/panel_01/a.png", verdict: .blank, sharpness: 0))))
    }

    @Test func aPassingImageGetsNoNote() throws {
        let (_, actions) = try Self.downloaded(.ok, policy: .redo(maxRedos: 2))
        #expect(!actions.contains { if case .note = $0 { true } else { false } })
    }

    @Test func reportPolicyFinishesAFailingPanelWithoutARedo() throws {
        var (machine, _) = try Self.downloaded(.soft, policy: .report)
        #expect(machine.handle(.coverage(remaining: [])) == [.finish])
        #expect(machine.phase == .finishing)
    }

    @Test func offPolicyFinishesWhateverTheFiles() throws {
        var (machine, _) = try Self.downloaded(nil, policy: .off)
        #expect(machine.handle(.coverage(remaining: [])) == [.finish])
    }

    @Test func redoPolicyRendersAFailingPanelAgainAsTheNextVersion() throws {
        var (machine, _) = try Self.downloaded(.blank, policy: .redo(maxRedos: 2))
        #expect(machine.handle(.coverage(remaining: [])) == [.redoForQuality(k: 1, verdict: .blank)])
        #expect(machine.phase == .redoingForQuality(k: 1, verdict: .blank))
        #expect(machine.handle(.qualityRedoRecorded(version: 2, seed: 43)) == [])
        #expect(machine.phase == .requeued(.init(preferredServer: nil, adopt: [],
                                                 reason: .quality(verdict: .blank, version: 2, seed: 43, server: PanelMachineTests.here))))
    }

    @Test func theSecondRedoIsK2() throws {
        var (machine, _) = try Self.downloaded(.dark, policy: .redo(maxRedos: 2), redos: 1)
        #expect(machine.handle(.coverage(remaining: [])) == [.redoForQuality(k: 2, verdict: .dark)])
    }

    @Test func aPanelStillFailingAfterItsRedosCompletesWithANotice() throws {
        var (machine, _) = try Self.downloaded(.washedOut, policy: .redo(maxRedos: 2), redos: 2)
        #expect(machine.handle(.coverage(remaining: [])) == [.note(.qualityStillFailing(verdict: .washedOut, redos: 2)), .finish])
        #expect(machine.phase == .finishing)
    }

    @Test func aCorruptImageFailsThePanelWithItsOwnKind() throws {
        var setup = PanelMachineTests.setup()
        setup.quality = .report
        var machine = PanelMachine(setup)
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        guard case .submit(let record, _)? = machine.handle(.attemptBegun(1)).first else { throw CancellationError() }
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try PanelMachineTests.result(record.promptID)))
        let actions = machine.handle(.downloadFailed(.corruptImage(panelID: "panel_01", name: "a.png", reason: "bad CRC")))
        guard case .fail(let failure)? = actions.first else { Issue.record("expected a failure, got \(actions)"); return }
        #expect(failure.kind == .corruptImage && failure.message.contains("a.png") && failure.message.contains("bad CRC"))
    }

    @Test func policiesParseAndPrint() {
        #expect(QualityPolicy(parsing: "off") == .off && QualityPolicy(parsing: "report") == .report)
        #expect(QualityPolicy(parsing: "redo") == .redo(maxRedos: 1) && QualityPolicy(parsing: "redo:3") == .redo(maxRedos: 3))
        for bad in ["", "redo:0", "redo:x", "redo:21", "REPORT", "redo:"] { #expect(QualityPolicy(parsing: bad) == nil, "\(bad)") }
        #expect(QualityPolicy.redo(maxRedos: 2).description == "redo:2")
    }
}

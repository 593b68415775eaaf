@testable import ComfyAPI
import ComfyWorkflow
@testable import StoryCore
import Testing

/// The shot clip's transitions of the panel lifecycle: the key image is uploaded before the first
/// attempt, once per task, and the out-of-memory ladder ends with a clip's suggestion.
@Suite struct ClipMachineTests {
    static func clipSetup(canTile: Bool = true) -> PanelMachine.Setup {
        var setup = PanelMachineTests.setup(canTile: canTile)
        setup.panelID = "shot_01"
        setup.uploadsImage = true
        return setup
    }

    /// A started clip machine that has uploaded `image` and opened attempt 1; returns it with the submit.
    static func submitted(image: String = "storycore/shot_01_panel_01_v1 (1).png", canTile: Bool = true)
        -> (PanelMachine, PromptRecord, RenderJob.Variant)? {
        var machine = PanelMachine(clipSetup(canTile: canTile))
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        _ = machine.handle(.uploaded(image))
        guard case .submit(let record, let variant)? = machine.handle(.attemptBegun(1)).first else { return nil }
        return (machine, record, variant)
    }

    @Test func clipUploadsTheKeyImageBeforeItsFirstAttempt() {
        var machine = PanelMachine(Self.clipSetup())
        #expect(machine.start() == [.readCoverage])
        #expect(machine.handle(.coverage(remaining: [0])) == [.upload])
        #expect(machine.phase == .uploading(parts: [0..<1]))
        #expect(machine.handle(.uploaded("storycore/shot_01_panel_01_v1 (1).png")) == [.beginAttempt])
        #expect(machine.phase == .beginningAttempt(parts: [0..<1]))
        let actions = machine.handle(.attemptBegun(1))
        guard case .submit(let record, let variant)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(variant.inputImage == "storycore/shot_01_panel_01_v1 (1).png", "the name the server returned goes into LoadImage")
        #expect(record.panelID == "shot_01")
    }

    @Test func aPanelNeverUploads() {
        var machine = PanelMachine(PanelMachineTests.setup())
        _ = machine.start()
        #expect(machine.handle(.coverage(remaining: [0])) == [.beginAttempt])
    }

    @Test func aRetryAfterOutOfMemoryDoesNotUploadAgain() {
        guard var (machine, record, _) = Self.submitted() else { Issue.record("no submit"); return }
        _ = machine.handle(.accepted)
        #expect(machine.handle(.promptFailed(PanelMachineTests.oom)) == [
            .setPromptState(promptID: record.promptID, .abandoned), .freeMemory,
            .note(.outOfMemoryFreedMemory(nodeID: "3", nodeType: "KSampler")),
            .reportRetry(.outOfMemory(step: .freeMemory, server: PanelMachineTests.here)), .readCoverage,
        ])
        #expect(machine.handle(.coverage(remaining: [0])) == [.beginAttempt])
        guard case .submit(_, let variant)? = machine.handle(.attemptBegun(2)).first else { Issue.record("no submit"); return }
        #expect(variant.inputImage == "storycore/shot_01_panel_01_v1 (1).png")
    }

    @Test func clipOutOfMemoryDecodesFewerFramesAtATimeThenFailsWithAClipSuggestion() {
        guard var (machine, _, _) = Self.submitted() else { Issue.record("no submit"); return }
        _ = machine.handle(.promptFailed(PanelMachineTests.oom))
        _ = machine.handle(.coverage(remaining: [0]))
        _ = machine.handle(.attemptBegun(2))
        let second = machine.handle(.promptFailed(PanelMachineTests.oom))
        #expect(second.contains(.note(.outOfMemoryTiledDecode)))
        _ = machine.handle(.coverage(remaining: [0]))
        guard case .submit(_, let tiled)? = machine.handle(.attemptBegun(3)).first else { Issue.record("no submit"); return }
        #expect(tiled.tiledDecode && tiled.inputImage != nil)
        let actions = machine.handle(.promptFailed(PanelMachineTests.oom))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .outOfMemory)
        #expect(failure.suggestion?.contains("decoding fewer frames at a time did not help") == true)
        #expect(failure.suggestion?.contains("duration_seconds") == true)
    }

    @Test func clipOutOfMemoryWithoutChunkedDecodingFailsAfterFreeingMemory() {
        guard var (machine, _, _) = Self.submitted(canTile: false) else { Issue.record("no submit"); return }
        _ = machine.handle(.promptFailed(PanelMachineTests.oom))
        _ = machine.handle(.coverage(remaining: [0]))
        _ = machine.handle(.attemptBegun(2))
        let actions = machine.handle(.promptFailed(PanelMachineTests.oom))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.suggestion?.contains("cannot decode fewer frames at a time") == true)
        #expect(!(failure.suggestion?.contains("target_resolution") ?? true), "a clip's suggestion, not a panel's")
    }

    @Test func aKeyPanelWithoutAnImageFailsTheClipWithKindKeyPanel() {
        var machine = PanelMachine(Self.clipSetup())
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        let actions = machine.handle(.keyPanelUnavailable("key panel panel_01 of shot_01 was rejected in review"))
        guard case .fail(let failure)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .keyPanel && failure.message.contains("rejected"))
        #expect(machine.phase == .failed(failure))
    }

    @Test func anUploadTheServerRefusesFailsTheClipAndATransportFailureRequeuesIt() {
        var refused = PanelMachine(Self.clipSetup())
        _ = refused.start()
        _ = refused.handle(.coverage(remaining: [0]))
        let actions = refused.handle(.uploadFailed(.httpStatus(route: "POST /upload/image", status: 413, body: "")))
        guard case .fail(let failure)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .server && failure.message.contains("uploading the key panel's image failed"))

        var down = PanelMachine(Self.clipSetup())
        _ = down.start()
        _ = down.handle(.coverage(remaining: [0]))
        #expect(down.handle(.uploadFailed(PanelMachineTests.transport)) == [.markServerDown(reason: PanelMachineTests.transport.description)])
        guard case .requeued(let requeue) = down.phase else { Issue.record("\(down.phase)"); return }
        #expect(requeue.preferredServer == nil && requeue.adopt.isEmpty)
    }

    @Test func cancellingDuringTheUploadWithdrawsNothing() {
        var machine = PanelMachine(Self.clipSetup())
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: [0]))
        #expect(machine.handle(.cancelled) == [])
        #expect(machine.phase == .cancelled)
    }

    @Test func uploadIsWorkThatACancelledRunDoesNotBegin() {
        #expect(PanelMachine.Action.upload.waitsOnTheWorld)
    }
}

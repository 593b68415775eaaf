@testable import ComfyAPI
import ComfyWorkflow
@testable import StoryCore
import StoryCoreImaging
import Testing

/// Every transition of the panel lifecycle, without a server: a machine is started, fed
/// observations, and its phase and ordered actions are checked.
@Suite struct PanelMachineTests {
    static let here = "http://gpu-a:8188"
    static let there = "http://gpu-b:8188"

    static func setup(batch: Int = 1, rules: LowVRAMRules? = nil, canTile: Bool = true, maxRetries: Int = 2, requeues: Int = 0,
                      adopt: [PromptRecord] = []) -> PanelMachine.Setup {
        .init(runID: "run", panelID: "panel_01", version: 1, server: here, batchSize: batch, rules: rules, canTile: canTile,
              maxTransportRetries: maxRetries, requeues: requeues, adopt: adopt)
    }

    static func prompt(_ id: String, server: String = here, attempt: Int = 1, part: Int = 0, first: Int = 0, count: Int = 1,
                       state: PromptState = .accepted) -> PromptRecord {
        var record = PromptRecord(promptID: id, panelID: "panel_01", attempt: attempt, part: part, firstImage: first, imageCount: count, server: server)
        record.state = state
        return record
    }

    static func result(_ id: String) throws -> PromptResult {
        let entry = try HistoryEntry(promptID: id, json: [
            "prompt": [1, .string(id), [:], [:], ["9"]],
            "outputs": ["9": ["images": [["filename": "a.png", "subfolder": "", "type": "output"]]]],
            "status": ["status_str": "success", "completed": true, "messages": []],
        ], route: "test")
        return PromptResult(entry: entry)
    }

    static let oom = ComfyError.outOfMemory(ExecutionFailure(promptID: "p", nodeID: "3", nodeType: "KSampler",
                                                              exceptionType: "torch.OutOfMemoryError", exceptionMessage: "CUDA out of memory"))
    static let transport = ComfyError.transport(server: here, .unreachable("connection refused"))
    static let file = StoredFile(path: "outputs/panel_01/a.png", nodeID: "9", bytes: 10, sha256: "ab")

    /// A machine that has started a fresh panel and been told `remaining`; returns it with the submitted record.
    static func submitting(batch: Int = 1, remaining: [Int] = [0], rules: LowVRAMRules? = nil, canTile: Bool = true,
                           maxRetries: Int = 2) -> (PanelMachine, PromptRecord) {
        var machine = PanelMachine(setup(batch: batch, rules: rules, canTile: canTile, maxRetries: maxRetries))
        _ = machine.start()
        _ = machine.handle(.coverage(remaining: remaining))
        let actions = machine.handle(.attemptBegun(1))
        guard case .submit(let record, _)? = actions.first else { fatalError("expected a submit, got \(actions)") }
        return (machine, record)
    }

    // MARK: Start

    @Test func startWithNothingToAdoptReadsWhatRemains() {
        var machine = PanelMachine(Self.setup())
        #expect(machine.start() == [.readCoverage])
        #expect(machine.phase == .planning)
    }

    @Test func startAdoptsThisServersOpenPromptsFirstAndSkipsCompletedOnes() {
        let mine = Self.prompt("p-here")
        let done = Self.prompt("p-done", state: .completed)
        let theirs = Self.prompt("p-there", server: Self.there)
        var machine = PanelMachine(Self.setup(adopt: [theirs, done, mine]))
        #expect(machine.start() == [.follow(mine, .adopted)])
        #expect(machine.phase == .following(mine, .adopted))
    }

    @Test func startSettlesAnotherServersPromptWhenNothingIsHere() {
        let theirs = Self.prompt("p-there", server: Self.there)
        var machine = PanelMachine(Self.setup(adopt: [theirs]))
        #expect(machine.start() == [.withdraw(theirs)])
        #expect(machine.phase == .settling(theirs))
    }

    // MARK: Planning and submitting

    @Test func planningWithNothingRemainingFinishes() {
        var machine = PanelMachine(Self.setup())
        _ = machine.start()
        #expect(machine.handle(.coverage(remaining: [])) == [.finish])
        #expect(machine.phase == .finishing)
        #expect(machine.handle(.finished) == [])
        #expect(machine.phase == .completed)
    }

    @Test func planningSendsTheWholeRemainingBatchAsOnePrompt() {
        var machine = PanelMachine(Self.setup(batch: 4))
        _ = machine.start()
        #expect(machine.handle(.coverage(remaining: [0, 1, 2, 3])) == [.beginAttempt])
        #expect(machine.phase == .beginningAttempt(parts: [0..<4]))
        let actions = machine.handle(.attemptBegun(3))
        let id = PromptIdentity.promptID(runID: "run", panelID: "panel_01", version: 1, attempt: 3, part: 0)
        let record = PromptRecord(promptID: id, panelID: "panel_01", attempt: 3, part: 0, firstImage: 0, imageCount: 4, server: Self.here)
        guard case .submit(let submitted, let variant)? = actions.first, actions.count == 1 else { Issue.record("\(actions)"); return }
        #expect(submitted.promptID == record.promptID && submitted.imageCount == 4 && submitted.attempt == 3)
        #expect(variant == RenderJob.Variant(firstImage: 0, imageCount: 4, rules: nil, tiledDecode: false))
    }

    @Test func lowVRAMRulesNoteThePolicyAndSendOneImagePerPrompt() {
        let rules = LowVRAMRules(vramTotal: 8 << 30)
        var machine = PanelMachine(Self.setup(batch: 2, rules: rules))
        _ = machine.start()
        #expect(machine.handle(.coverage(remaining: [0, 1])) == [
            .note(.lowVRAMPolicy(vramTotal: 8 << 30)), .note(.batchSentAsSingleImages(batchSize: 2)), .beginAttempt,
        ])
        #expect(machine.phase == .beginningAttempt(parts: [0..<1, 1..<2]))
    }

    @Test func acceptedPromptIsFollowedAndItsResultDownloaded() throws {
        var (machine, record) = Self.submitting()
        #expect(machine.handle(.accepted) == [.follow(record, .attempt(rest: []))])
        let result = try Self.result(record.promptID)
        #expect(machine.handle(.executed(result)) == [.download(record, result, .attempt(rest: []))])
        #expect(machine.phase == .downloading(record, .attempt(rest: [])))
        #expect(machine.handle(.downloaded([Self.file])) == [.recordFiles(record, [Self.file]), .readCoverage])
        #expect(machine.phase == .planning)
    }

    @Test func downloadedPartSubmitsTheNextPartOfTheAttempt() throws {
        var (machine, first) = Self.submitting(batch: 2, remaining: [0, 1], rules: LowVRAMRules(vramTotal: 1 << 30))
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try Self.result(first.promptID)))
        let actions = machine.handle(.downloaded([Self.file]))
        guard actions.count == 2, case .submit(let second, let variant) = actions[1] else { Issue.record("\(actions)"); return }
        #expect(actions[0] == .recordFiles(first, [Self.file]))
        #expect(second.part == 1 && second.firstImage == 1 && second.imageCount == 1 && variant.firstImage == 1)
    }

    @Test func graphRejectedForThisServerFailsAsValidation() {
        var (machine, _) = Self.submitting()
        let actions = machine.handle(.graphRejected("no VAEDecodeTiled"))
        #expect(actions == [.fail(RenderFailure(kind: .validation, message: "no VAEDecodeTiled"))])
        #expect(machine.phase == .failed(RenderFailure(kind: .validation, message: "no VAEDecodeTiled")))
    }

    // MARK: Out-of-memory ladder

    @Test func outOfMemoryFirstFreesMemoryAndRetries() {
        var (machine, record) = Self.submitting(batch: 4, remaining: [0, 1, 2, 3])
        _ = machine.handle(.accepted)
        #expect(machine.handle(.promptFailed(Self.oom)) == [
            .setPromptState(promptID: record.promptID, .abandoned), .freeMemory,
            .note(.outOfMemoryFreedMemory(nodeID: "3", nodeType: "KSampler")),
            .reportRetry(.outOfMemory(step: .freeMemory, server: Self.here)), .readCoverage,
        ])
        #expect(machine.phase == .planning)
    }

    @Test func outOfMemoryAgainSplitsTheBatchIntoOneImagePrompts() {
        var (machine, _) = Self.submitting(batch: 4, remaining: [0, 1, 2, 3])
        _ = machine.handle(.promptFailed(Self.oom))
        _ = machine.handle(.coverage(remaining: [0, 1, 2, 3]))
        let actions = machine.handle(.attemptBegun(2))
        guard case .submit(let record, _)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(machine.handle(.promptFailed(Self.oom)) == [
            .setPromptState(promptID: record.promptID, .abandoned), .note(.outOfMemoryBatchSplit(images: 4)),
            .reportRetry(.outOfMemory(step: .splitBatch, server: Self.here)), .readCoverage,
        ])
        #expect(machine.handle(.coverage(remaining: [0, 1, 2, 3])) == [.beginAttempt])
        #expect(machine.phase == .beginningAttempt(parts: [0..<1, 1..<2, 2..<3, 3..<4]))
    }

    @Test func outOfMemoryWithOneImagePerPromptSkipsTheSplitAndDecodesInTiles() {
        var (machine, _) = Self.submitting()
        _ = machine.handle(.promptFailed(Self.oom))
        _ = machine.handle(.coverage(remaining: [0]))
        let actions = machine.handle(.attemptBegun(2))
        guard case .submit(let record, let variant)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(!variant.tiledDecode)
        #expect(machine.handle(.promptFailed(Self.oom)) == [
            .setPromptState(promptID: record.promptID, .abandoned), .note(.outOfMemoryTiledDecode),
            .reportRetry(.outOfMemory(step: .tiledDecode, server: Self.here)), .readCoverage,
        ])
        _ = machine.handle(.coverage(remaining: [0]))
        guard case .submit(_, let tiled)? = machine.handle(.attemptBegun(3)).first else { Issue.record("no submit"); return }
        #expect(tiled.tiledDecode, "the next prompt decodes in tiles")
    }

    @Test func outOfMemoryWithNothingLeftToTryFailsWithASuggestion() {
        var (machine, _) = Self.submitting(canTile: false)
        _ = machine.handle(.promptFailed(Self.oom))
        _ = machine.handle(.coverage(remaining: [0]))
        _ = machine.handle(.attemptBegun(2))
        let actions = machine.handle(.promptFailed(Self.oom))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .outOfMemory && failure.nodeID == "3" && failure.suggestion?.contains("lower config.target_resolution") == true)
        #expect(machine.phase == .failed(failure))
    }

    // MARK: Lost prompts and server failures

    @Test func lostPromptIsSubmittedAgainUntilTheRetriesRunOut() {
        var (machine, record) = Self.submitting(maxRetries: 1)
        let lost = ComfyError.promptLost(promptID: record.promptID, server: Self.here)
        #expect(machine.handle(.promptFailed(lost)) == [
            .setPromptState(promptID: record.promptID, .abandoned), .note(.promptLostResubmitted),
            .reportRetry(.promptLost(server: Self.here)), .readCoverage,
        ])
        _ = machine.handle(.coverage(remaining: [0]))
        _ = machine.handle(.attemptBegun(2))
        let actions = machine.handle(.promptFailed(lost))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .lost)
    }

    @Test func serverFailureWhileFollowingMarksTheServerDownAndRequeuesAnywhere() {
        var (machine, record) = Self.submitting()
        _ = machine.handle(.accepted)
        let actions = machine.handle(.promptFailed(Self.transport))
        #expect(actions == [.setPromptState(promptID: record.promptID, .abandoned), .markServerDown(reason: Self.transport.description)])
        #expect(machine.phase == .requeued(.init(preferredServer: nil, adopt: [],
                                                 reason: .serverFailed(server: Self.here, reason: Self.transport.description))))
    }

    @Test func executionErrorFailsThePanelWithTheNode() {
        var (machine, _) = Self.submitting()
        let error = ComfyError.execution(ExecutionFailure(promptID: "p", nodeID: "8", nodeType: "VAEDecode", exceptionType: "RuntimeError",
                                                          exceptionMessage: "boom\ntrace"))
        let actions = machine.handle(.promptFailed(error))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure == RenderFailure(kind: .execution, message: "RuntimeError: boom", nodeID: "8", nodeType: "VAEDecode"))
    }

    // MARK: Downloads

    @Test func downloadThatKeepsFailingRequeuesToFetchTheSameFinishedPrompt() throws {
        var (machine, record) = Self.submitting()
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try Self.result(record.promptID)))
        let error = OutputError.downloadFailed(panelID: "panel_01", name: "a.png", reason: "HTTP 500")
        #expect(machine.handle(.downloadFailed(error)) == [])
        guard case .requeued(let requeue) = machine.phase else { Issue.record("\(machine.phase)"); return }
        #expect(requeue.preferredServer == Self.here && requeue.adopt == [record])
        #expect(requeue.reason.code == "download_pending")
    }

    @Test func downloadFailureAfterTheLastRequeueFailsThePanel() throws {
        var machine = PanelMachine(Self.setup(maxRetries: 2, requeues: 2, adopt: [Self.prompt("p-here")]))
        _ = machine.start()
        _ = machine.handle(.executed(try Self.result("p-here")))
        let actions = machine.handle(.downloadFailed(.downloadFailed(panelID: "panel_01", name: "a.png", reason: "HTTP 500")))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .output)
    }

    @Test func workflowThatSavesNoFileFailsAtOnce() throws {
        var (machine, record) = Self.submitting()
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try Self.result(record.promptID)))
        let actions = machine.handle(.downloadFailed(.downloadFailed(panelID: "panel_01", name: "(none)", reason: "no SaveImage")))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .output)
    }

    @Test func hostileFileNameFailsWithItsOwnKind() throws {
        var (machine, record) = Self.submitting()
        _ = machine.handle(.accepted)
        _ = machine.handle(.executed(try Self.result(record.promptID)))
        let actions = machine.handle(.downloadFailed(.hostileFileName(panelID: "panel_01", name: "../x.png", reason: "a path separator")))
        guard case .fail(let failure)? = actions.last else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .hostileFileName)
    }

    // MARK: Adoption after a kill

    @Test func adoptedPromptThatFinishedIsCollectedNotRenderedAgain() throws {
        let mine = Self.prompt("p-here")
        var machine = PanelMachine(Self.setup(adopt: [mine]))
        _ = machine.start()
        let result = try Self.result("p-here")
        #expect(machine.handle(.executed(result)) == [.download(mine, result, .adopted)])
        #expect(machine.handle(.downloaded([Self.file])) == [.recordFiles(mine, [Self.file]), .readCoverage])
        #expect(machine.handle(.coverage(remaining: [])) == [.finish])
    }

    @Test func adoptedPromptTheServerLostIsNotedAndRenderedAgain() {
        let mine = Self.prompt("p-here")
        var machine = PanelMachine(Self.setup(adopt: [mine]))
        _ = machine.start()
        let actions = machine.handle(.promptFailed(.promptLost(promptID: "p-here", server: Self.here)))
        #expect(actions == [.note(.promptLostResubmitted), .setPromptState(promptID: "p-here", .abandoned), .readCoverage])
    }

    @Test func adoptedPromptOnAFailedServerRequeuesThePanel() {
        var machine = PanelMachine(Self.setup(adopt: [Self.prompt("p-here")]))
        _ = machine.start()
        #expect(machine.handle(.promptFailed(Self.transport)) == [.markServerDown(reason: Self.transport.description)])
        #expect(machine.phase.isTerminal)
    }

    // MARK: Settling prompts left on other servers

    @Test func settledPromptStillRunningIsInterruptedThereNotedThenAbandoned() {
        let theirs = Self.prompt("p-there", server: Self.there)
        var machine = PanelMachine(Self.setup(adopt: [theirs]))
        _ = machine.start()
        #expect(machine.handle(.withdrawn(.interrupted)) == [
            .note(.earlierPromptInterruptedElsewhere(promptID: "p-there", server: Self.there, renderedOn: Self.here)),
            .setPromptState(promptID: "p-there", .abandoned), .readCoverage,
        ])
    }

    @Test func settledPromptRemovedFromTheQueueNeedsNoNote() {
        var machine = PanelMachine(Self.setup(adopt: [Self.prompt("p-there", server: Self.there)]))
        _ = machine.start()
        #expect(machine.handle(.withdrawn(.removedFromQueue)) == [.setPromptState(promptID: "p-there", .abandoned), .readCoverage])
    }

    @Test func settledPromptUnknownThereIsNotedAsLost() {
        var machine = PanelMachine(Self.setup(adopt: [Self.prompt("p-there", server: Self.there)]))
        _ = machine.start()
        let actions = machine.handle(.withdrawn(.unknown))
        #expect(actions.first == .note(.earlierPromptLostElsewhere(promptID: "p-there", server: Self.there, renderedOn: Self.here)))
    }

    @Test func settledPromptFinishedThereIsCollectedFromThere() throws {
        let theirs = Self.prompt("p-there", server: Self.there)
        var machine = PanelMachine(Self.setup(adopt: [theirs]))
        _ = machine.start()
        #expect(machine.handle(.withdrawn(.finished)) == [.follow(theirs, .elsewhere)])
        let result = try Self.result("p-there")
        #expect(machine.handle(.executed(result)) == [.download(theirs, result, .elsewhere)])
    }

    @Test func settledPromptOnASilentServerIsNotedAsMaybeRenderedThereToo() {
        var machine = PanelMachine(Self.setup(adopt: [Self.prompt("p-there", server: Self.there)]))
        _ = machine.start()
        let actions = machine.handle(.withdrawFailed(Self.transport))
        guard case .note(let note)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(note.code == .earlierPromptUnanswered && note.text.contains("may have rendered there too"))
        #expect(Array(actions.dropFirst()) == [.setPromptState(promptID: "p-there", .abandoned), .readCoverage])
    }

    @Test func settledPromptOnAnUnreachableServerIsNotedBeforeItIsAbandoned() {
        var machine = PanelMachine(Self.setup(adopt: [Self.prompt("p-there", server: "not a url")]))
        _ = machine.start()
        #expect(machine.handle(.serverUnreachable) == [
            .note(.earlierPromptUnreachable(promptID: "p-there", server: "not a url", renderedOn: Self.here)),
            .setPromptState(promptID: "p-there", .abandoned), .readCoverage,
        ])
    }

    // MARK: Cancellation, ledger failures, stray observations

    @Test func cancelWhileAPromptIsOpenWithdrawsIt() {
        var (machine, record) = Self.submitting()
        _ = machine.handle(.accepted)
        #expect(machine.handle(.cancelled) == [.withdrawOnCancel(promptID: record.promptID)])
        #expect(machine.phase == .cancelled)
    }

    @Test func promptRemovedFromTheQueueOnCancelIsAbandonedOthersStayOpen() {
        #expect(PanelMachine.withdrawalEndsPrompt(.removedFromQueue))
        #expect(!PanelMachine.withdrawalEndsPrompt(.interrupted) && !PanelMachine.withdrawalEndsPrompt(.finished)
                && !PanelMachine.withdrawalEndsPrompt(.unknown))
    }

    @Test func cancelWhilePlanningWithdrawsNothing() {
        var machine = PanelMachine(Self.setup())
        _ = machine.start()
        #expect(machine.handle(.cancelled) == [])
        #expect(machine.phase == .cancelled)
    }

    @Test func ledgerFailureFailsThePanel() {
        var machine = PanelMachine(Self.setup())
        _ = machine.start()
        #expect(machine.handle(.ledgerFailed("disk full")) == [.fail(RenderFailure(kind: .ledger, message: "disk full"))])
    }

    @Test func terminalMachineIgnoresFurtherObservations() {
        var machine = PanelMachine(Self.setup())
        _ = machine.start()
        _ = machine.handle(.cancelled)
        #expect(machine.handle(.coverage(remaining: [0])) == [])
        #expect(machine.phase == .cancelled)
    }

    @Test func observationThatDoesNotFitThePhaseFailsAsInternal() {
        var machine = PanelMachine(Self.setup())
        _ = machine.start()
        let actions = machine.handle(.accepted)
        guard case .fail(let failure)? = actions.first else { Issue.record("\(actions)"); return }
        #expect(failure.kind == .internal)
    }
}

/// Notes and failure kinds keep their stable codes and survive the ledger's storage.
@Suite struct LifecycleCodeTests {
    static let every: [PanelNote] = [
        .lowVRAMPolicy(vramTotal: 8 << 30), .batchSentAsSingleImages(batchSize: 2), .outOfMemoryFreedMemory(nodeID: "3", nodeType: "KSampler"),
        .outOfMemoryBatchSplit(images: 4), .outOfMemoryTiledDecode, .promptLostResubmitted, .earlierPromptInterrupted,
        .earlierPromptUnusable(reason: "x"), .earlierPromptInterruptedElsewhere(promptID: "p", server: "a", renderedOn: "b"),
        .earlierPromptLostElsewhere(promptID: "p", server: "a", renderedOn: "b"),
        .earlierPromptUnanswered(promptID: "p", server: "a", renderedOn: "b", reason: "r"),
        .earlierPromptUnreachable(promptID: "p", server: "a", renderedOn: "b"), .renderedAsNewVersion(version: 2, previous: 1),
        .redoNewVersion(version: 2, kept: 1, keptFolder: "outputs/panel_01", prompt: "p", seed: 18_446_744_073_709_551_615),
        .redoResumed(version: 3, prompt: nil, seed: 7), .redoFirstRender(prompt: nil, seed: nil), .sameImagesAs(version: 1),
        .unfinishedBatch(nodeIDs: ["12"]), .unknownMediaType(path: "outputs/panel_01/x.bin"),
        .qualityFailed(path: "outputs/panel_01/a.png", verdict: .blank, sharpness: 0), .qualityRedo(k: 1, of: 2, verdict: .soft, version: 2, seed: 43),
        .qualityStillFailing(verdict: .dark, redos: 2), .text("free"),
    ]

    @Test func everyNoteRoundTripsThroughTheLedgersStorage() {
        for note in Self.every { #expect(PanelNote(stored: note.stored) == note, "\(note.code)") }
        #expect(Set(Self.every.map(\.code)) == Set(PanelNote.Code.allCases), "the list covers every code")
    }

    @Test func olderLedgersFreeTextAndMalformedNotesAreKeptAsText() throws {
        #expect(PanelNote(stored: "batch split after out-of-memory") == .text("batch split after out-of-memory"))
        let odd = try JSONValue.parse(#"{"code":"oom_batch_split","images":"four"}"#)
        #expect(PanelNote(stored: odd) == .text(odd.serializedString(.compact)))
        #expect(PanelNote(stored: ["code": "from_the_future"]).code == .text)
    }

    @Test func failureKindsKeepTheirManifestCodes() {
        #expect(RenderFailure.Kind.allCases.map(\.rawValue) == [
            "validation", "execution", "out_of_memory", "transport", "output", "hostile_file_name", "media_mismatch", "corrupt_image", "key_panel",
            "interrupted", "lost", "no_server", "server", "ledger", "internal", "unknown",
        ])
        #expect(RenderFailure.Kind(code: "weird") == .unknown)
    }
}

import ComfyAPI
import StoryCoreImaging
import ComfyWorkflow

/// The life of one panel task on one leased server, as a pure state machine.
///
/// The machine decides; it never does I/O. `start()` and `handle(_:)` return the actions to
/// perform, in order; the driver (`PanelRenderer`) performs them (ledger writes before the I/O
/// they announce), and feeds what came back as the next `Observation`. Every decision of a panel
/// task lives here: adopting prompts an earlier process left on this server, settling those it
/// left on other servers, splitting the batch into prompts, the out-of-memory ladder, lost
/// prompts, downloads that must be fetched again, server failures and cancellation.
///
/// The README's "Panel lifecycle" section draws the transitions.
struct PanelMachine: Sendable {
    /// What the machine is given when a panel task starts on a server.
    struct Setup: Sendable, Hashable {
        /// The run id (part of every prompt id).
        var runID: String
        /// The panel.
        var panelID: String
        /// The version rendered (part of every prompt id).
        var version: Int
        /// The leased server's base URL.
        var server: String
        /// Images the panel needs.
        var batchSize: Int
        /// The low-VRAM rules of the leased server, if any.
        var rules: LowVRAMRules?
        /// Whether the graph can decode in tiles on this server.
        var canTile: Bool
        /// Resubmissions allowed after lost prompts, and requeues after failed downloads.
        var maxTransportRetries: Int
        /// Times the panel already went back to the queue.
        var requeues: Int
        /// Prompts an earlier process recorded for this panel and did not complete.
        var adopt: [PromptRecord]
        /// True for a shot clip: the key panel's image is uploaded to the server before the first prompt.
        var uploadsImage = false
        /// What the quality gate does with a failing image (default `.off`).
        var quality: QualityPolicy = .off
        /// Quality redos this panel already had in this run (the next one is k = this + 1).
        var qualityRedos = 0
    }

    /// Where a followed prompt came from.
    enum Origin: Sendable, Hashable {
        /// Left on the leased server by an earlier process.
        case adopted
        /// Left on another server by an earlier process, finished there, collected from there.
        case elsewhere
        /// Submitted by this task; `rest` are the parts of the attempt still to submit.
        case attempt(rest: [Range<Int>])
    }

    /// Where the panel task stands.
    enum Phase: Sendable, Hashable {
        /// Not started.
        case idle
        /// Withdrawing a prompt an earlier process left on another server.
        case settling(PromptRecord)
        /// Reading from the ledger which images are still missing.
        case planning
        /// A shot clip: uploading the key panel's image to the leased server before these parts are submitted.
        case uploading(parts: [Range<Int>])
        /// Waiting for the ledger to open a new attempt for these parts.
        case beginningAttempt(parts: [Range<Int>])
        /// Recorded in the ledger; `POST /prompt` under way.
        case submitting(PromptRecord, rest: [Range<Int>])
        /// Queued or running on a server; followed to its end.
        case following(PromptRecord, Origin)
        /// Finished on the server; its files are downloading.
        case downloading(PromptRecord, Origin)
        /// Every image is stored but one failed the quality gate: recording redo `k` as the next version.
        case redoingForQuality(k: Int, verdict: QualityVerdict)
        /// Every image is stored: recording the panel completed.
        case finishing
        /// Every image is stored and recorded. Terminal.
        case completed
        /// The panel failed for good. Terminal.
        case failed(RenderFailure)
        /// The panel goes back to the dispatcher's queue. Terminal.
        case requeued(Requeue)
        /// The run was cancelled. Terminal.
        case cancelled

        /// True for the phases that end the panel task.
        var isTerminal: Bool {
            switch self {
            case .completed, .failed, .requeued, .cancelled: true
            default: false
            }
        }
    }

    /// How a panel goes back to the queue.
    struct Requeue: Sendable, Hashable {
        /// The server to prefer next time (nil: any).
        var preferredServer: String?
        /// Prompts to look up first next time.
        var adopt: [PromptRecord]
        /// Why.
        var reason: RetryReason
    }

    /// A fact the driver reports: a server's reply, an error, a ledger read.
    enum Observation: Sendable, Hashable {
        /// The images of the batch not yet covered by a completed prompt (from the ledger).
        case coverage(remaining: [Int])
        /// The ledger opened attempt number `attempt`.
        case attemptBegun(Int)
        /// The key panel's image is on the server under this `LoadImage` value (the name the server returned).
        case uploaded(String)
        /// Uploading the key panel's image failed on the server's side.
        case uploadFailed(ComfyError)
        /// The key panel has no image to upload (not completed, its file missing or too large).
        case keyPanelUnavailable(String)
        /// The graph for the next part could not be built for this server.
        case graphRejected(String)
        /// The server accepted the prompt being submitted.
        case accepted
        /// The followed prompt finished on its server with this result.
        case executed(PromptResult)
        /// Submitting or following the prompt failed.
        case promptFailed(ComfyError)
        /// The prompt's files are stored.
        case downloaded([StoredFile])
        /// The prompt's files could not be stored.
        case downloadFailed(OutputError)
        /// Withdrawing a settled prompt from its server found this.
        case withdrawn(WithdrawOutcome)
        /// The settled prompt's server did not answer.
        case withdrawFailed(ComfyError)
        /// The settled prompt's server cannot be reached from this run at all (not a usable URL).
        case serverUnreachable
        /// The panel is recorded completed and reported.
        case finished
        /// The failing version is kept and the next one, `version` with `seed`, recorded as current.
        case qualityRedoRecorded(version: Int, seed: UInt64)
        /// An output could not be written (a file, the master sheet's copy); the panel fails.
        case outputFailed(OutputError)
        /// The ledger failed (the panel fails: nothing is acted on unrecorded).
        case ledgerFailed(String)
        /// The run was cancelled.
        case cancelled
    }

    /// An order for the driver. Ledger writes come before the I/O that depends on them.
    enum Action: Sendable, Hashable {
        /// Follow `prompt` to its end: on the leased server (`.adopted`, `.attempt`) or on its own server (`.elsewhere`).
        case follow(PromptRecord, Origin)
        /// Withdraw `prompt` from its own server (`ComfyClient.withdraw`).
        case withdraw(PromptRecord)
        /// Append a note to the panel in the ledger.
        case note(PanelNote)
        /// Set a prompt's state in the ledger.
        case setPromptState(promptID: String, PromptState)
        /// Read which images are still missing.
        case readCoverage
        /// Open a new attempt in the ledger.
        case beginAttempt
        /// Upload the key panel's current image to the leased server (`POST /upload/image`) and record the name returned.
        case upload
        /// Build the graph for `variant`, record `prompt` in the ledger, post it, record it accepted, report it queued.
        case submit(PromptRecord, RenderJob.Variant)
        /// Download the files of `prompt`'s result from the server it ran on.
        case download(PromptRecord, PromptResult, Origin)
        /// Record the stored files of `prompt` and mark it completed, in one transaction.
        case recordFiles(PromptRecord, [StoredFile])
        /// `POST /free` on the leased server (best effort).
        case freeMemory
        /// Report that the panel is tried again.
        case reportRetry(RetryReason)
        /// Mark the leased server down for `reason` (the dispatcher probes it to rejoin).
        case markServerDown(reason: String)
        /// Stop `promptID` on the leased server (delete when queued, interrupt when running).
        case withdrawOnCancel(promptID: String)
        /// Keep the current version (it failed the quality gate with `verdict`), record the next one with
        /// the first seed + `k` as current, and build its job.
        case redoForQuality(k: Int, verdict: QualityVerdict)
        /// Copy the master sheet where the project wants it, hand the image on, record the panel completed, report it.
        case finish
        /// Record the panel failed and report it.
        case fail(RenderFailure)
    }

    let setup: Setup
    private(set) var phase: Phase = .idle
    private(set) var ladder = OutOfMemoryLadder()
    private(set) var lostRetries = 0
    private var adoptHere: [PromptRecord]
    private var settleElsewhere: [PromptRecord]
    private var attempt = 0
    private var attemptParts: [Range<Int>] = []
    private var attemptImagesPerPrompt = 1
    private var attemptRemaining = 0
    private(set) var uploadedImage: String?
    /// The first quality verdict other than `ok` among this version's stored images.
    private(set) var failingVerdict: QualityVerdict?

    /// A machine for a panel task; nothing happens until `start()`.
    init(_ setup: Setup) {
        self.setup = setup
        let open = setup.adopt.filter { $0.state != .completed }
        adoptHere = open.filter { $0.server == setup.server }
        settleElsewhere = open.filter { $0.server != setup.server }
    }

    /// Begins the task: adopt this server's prompts, then settle other servers', then render what remains.
    mutating func start() -> [Action] {
        precondition(phase == .idle, "start() is called once")
        return advance()
    }

    /// Moves the machine on `observation` and returns what to do next (nothing once terminal).
    mutating func handle(_ observation: Observation) -> [Action] {
        guard !phase.isTerminal else { return [] }
        switch observation {
        case .cancelled:
            return cancel()
        case .ledgerFailed(let message):
            return fail(RenderFailure(kind: .ledger, message: message))
        case .outputFailed(let error):
            return fail(Self.failure(for: error))
        default:
            break
        }
        switch (phase, observation) {
        case (.finishing, .finished):
            phase = .completed
            return []
        case (.planning, .coverage(let remaining)):
            return plan(remaining)
        case (.uploading(let parts), .uploaded(let image)):
            uploadedImage = image
            phase = .beginningAttempt(parts: parts)
            return [.beginAttempt]
        case (.uploading, .uploadFailed(let error)):
            if Self.isServerFailure(error) { return serverFailed(error) }
            return fail(RenderFailure(kind: .server, message: "uploading the key panel's image failed: \(error.description)"))
        case (.uploading, .keyPanelUnavailable(let reason)):
            return fail(RenderFailure(kind: .keyPanel, message: reason, suggestion: "render (and approve) the shot's key panel, then run again"))
        case (.beginningAttempt(let parts), .attemptBegun(let number)):
            attempt = number
            attemptParts = parts
            return submitNext(parts, index: 0)
        case (.submitting, .graphRejected(let message)):
            return fail(RenderFailure(kind: .validation, message: message))
        case (.submitting(let prompt, let rest), .accepted):
            phase = .following(prompt, .attempt(rest: rest))
            return [.follow(prompt, .attempt(rest: rest))]
        case (.following(let prompt, let origin), .executed(let result)):
            phase = .downloading(prompt, origin)
            return Self.outputNotes(result) + [.download(prompt, result, origin)]
        case (.downloading(let prompt, let origin), .downloaded(let files)):
            let notes = Self.qualityNotes(files)
            if failingVerdict == nil { failingVerdict = Self.failingVerdict(files) }
            return [.recordFiles(prompt, files)] + Self.mediaNotes(files) + notes + next(after: origin)
        case (.redoingForQuality(_, let verdict), .qualityRedoRecorded(let version, let seed)):
            phase = .requeued(Requeue(preferredServer: nil, adopt: [],
                                      reason: .quality(verdict: verdict, version: version, seed: seed, server: setup.server)))
            return []
        case (.downloading(let prompt, _), .downloadFailed(let error)):
            return downloadFailed(prompt, error)
        case (.following(let prompt, .adopted), .promptFailed(let error)):
            if Self.isServerFailure(error) { return serverFailed(error) }
            return [.note(Self.adoptionNote(error)), .setPromptState(promptID: prompt.promptID, .abandoned)] + advance()
        case (.following(let prompt, .elsewhere), .promptFailed(let error)):
            return [.note(Self.adoptionNote(error)), .setPromptState(promptID: prompt.promptID, .abandoned)] + advance()
        case (.submitting(let prompt, _), .promptFailed(let error)), (.following(let prompt, .attempt), .promptFailed(let error)):
            return [.setPromptState(promptID: prompt.promptID, .abandoned)] + attemptFailed(error)
        case (.settling(let prompt), .withdrawn(let outcome)):
            return settled(prompt, outcome)
        case (.settling(let prompt), .withdrawFailed(let error)):
            let note = PanelNote.earlierPromptUnanswered(promptID: prompt.promptID, server: prompt.server, renderedOn: setup.server,
                                                         reason: Self.firstLine(error.description))
            return [.note(note), .setPromptState(promptID: prompt.promptID, .abandoned)] + advance()
        case (.settling(let prompt), .serverUnreachable):
            let note = PanelNote.earlierPromptUnreachable(promptID: prompt.promptID, server: prompt.server, renderedOn: setup.server)
            return [.note(note), .setPromptState(promptID: prompt.promptID, .abandoned)] + advance()
        default:
            return fail(RenderFailure(kind: .internal, message: "panel \(setup.panelID): unexpected \(observation) while \(phase)"))
        }
    }

    // MARK: Transitions

    /// The next prompt to adopt here, else to settle elsewhere, else reading what remains.
    private mutating func advance() -> [Action] {
        if !adoptHere.isEmpty {
            let prompt = adoptHere.removeFirst()
            phase = .following(prompt, .adopted)
            return [.follow(prompt, .adopted)]
        }
        if !settleElsewhere.isEmpty {
            let prompt = settleElsewhere.removeFirst()
            phase = .settling(prompt)
            return [.withdraw(prompt)]
        }
        phase = .planning
        return [.readCoverage]
    }

    private mutating func plan(_ remaining: [Int]) -> [Action] {
        guard !remaining.isEmpty else { return judged() }
        let perPrompt = (ladder.split || setup.rules != nil) ? 1 : remaining.count
        attemptImagesPerPrompt = perPrompt
        attemptRemaining = remaining.count
        var actions: [Action] = []
        if let rules = setup.rules {
            actions.append(.note(rules.note))
            if setup.batchSize > 1 { actions.append(.note(.batchSentAsSingleImages(batchSize: setup.batchSize))) }
        }
        if setup.uploadsImage, uploadedImage == nil {
            phase = .uploading(parts: Self.chunks(remaining, size: perPrompt))
            return actions + [.upload]
        }
        phase = .beginningAttempt(parts: Self.chunks(remaining, size: perPrompt))
        return actions + [.beginAttempt]
    }

    /// Every image is stored: finish, or, when the quality gate failed one and the policy allows
    /// another redo, render the panel again as its next version.
    private mutating func judged() -> [Action] {
        guard setup.quality.measures, let verdict = failingVerdict else {
            phase = .finishing
            return [.finish]
        }
        let maxRedos = setup.quality.maxRedos
        if setup.qualityRedos < maxRedos {
            let k = setup.qualityRedos + 1
            phase = .redoingForQuality(k: k, verdict: verdict)
            return [.redoForQuality(k: k, verdict: verdict)]
        }
        phase = .finishing
        if maxRedos > 0 { return [.note(.qualityStillFailing(verdict: verdict, redos: maxRedos)), .finish] }
        return [.finish]
    }

    private mutating func submitNext(_ parts: [Range<Int>], index: Int) -> [Action] {
        guard let part = parts.first else {
            phase = .planning
            return [.readCoverage]
        }
        let promptID = PromptIdentity.promptID(runID: setup.runID, panelID: setup.panelID, version: setup.version,
                                               attempt: attempt, part: index)
        let record = PromptRecord(promptID: promptID, panelID: setup.panelID, attempt: attempt, part: index,
                                  firstImage: part.lowerBound, imageCount: part.count, server: setup.server)
        let variant = RenderJob.Variant(firstImage: part.lowerBound, imageCount: part.count, rules: setup.rules, tiledDecode: ladder.tiled,
                                        inputImage: uploadedImage)
        phase = .submitting(record, rest: Array(parts.dropFirst()))
        return [.submit(record, variant)]
    }

    private mutating func next(after origin: Origin) -> [Action] {
        switch origin {
        case .adopted, .elsewhere:
            return advance()
        case .attempt(let rest):
            return submitNext(rest, index: attemptParts.count - rest.count)
        }
    }

    private mutating func attemptFailed(_ error: ComfyError) -> [Action] {
        switch error {
        case .outOfMemory(let failure):
            let step = ladder.next(imagesPerPrompt: attemptImagesPerPrompt, canTile: setup.canTile)
            let note: PanelNote
            var actions: [Action] = []
            switch step {
            case .freeMemory:
                actions.append(.freeMemory)
                note = .outOfMemoryFreedMemory(nodeID: failure.nodeID, nodeType: failure.nodeType)
            case .splitBatch:
                note = .outOfMemoryBatchSplit(images: attemptRemaining)
            case .tiledDecode:
                note = .outOfMemoryTiledDecode
            case .giveUp where setup.uploadsImage:
                return fail(RenderFailure(
                    kind: .outOfMemory, message: Self.firstLine(failure.exceptionMessage), nodeID: failure.nodeID, nodeType: failure.nodeType,
                    suggestion: setup.canTile
                        ? "freeing memory and decoding fewer frames at a time did not help: shorten the shot's duration_seconds, lower the clip workflow's width and height, or use a server with more memory"
                        : "freeing memory did not help and this clip workflow cannot decode fewer frames at a time: shorten the shot's duration_seconds, lower the clip workflow's width and height, or use a server with more memory"))
            case .giveUp:
                return fail(RenderFailure(
                    kind: .outOfMemory, message: Self.firstLine(failure.exceptionMessage), nodeID: failure.nodeID, nodeType: failure.nodeType,
                    suggestion: "freeing memory, splitting the batch and tiled decoding did not help: lower config.target_resolution or use a server with more memory"))
            }
            phase = .planning
            return actions + [.note(note), .reportRetry(.outOfMemory(step: step, server: setup.server)), .readCoverage]
        case .promptLost:
            lostRetries += 1
            guard lostRetries <= setup.maxTransportRetries else {
                return fail(RenderFailure(kind: .lost, message: error.description))
            }
            phase = .planning
            return [.note(.promptLostResubmitted), .reportRetry(.promptLost(server: setup.server)), .readCoverage]
        default:
            if Self.isServerFailure(error) { return serverFailed(error) }
            return fail(Self.failure(for: error))
        }
    }

    private mutating func settled(_ prompt: PromptRecord, _ outcome: WithdrawOutcome) -> [Action] {
        let abandon = Action.setPromptState(promptID: prompt.promptID, .abandoned)
        switch outcome {
        case .finished:
            phase = .following(prompt, .elsewhere)
            return [.follow(prompt, .elsewhere)]
        case .interrupted:
            let note = PanelNote.earlierPromptInterruptedElsewhere(promptID: prompt.promptID, server: prompt.server, renderedOn: setup.server)
            return [.note(note), abandon] + advance()
        case .unknown:
            // Neither queued nor finished there: the server restarted and forgot it, or its POST is
            // still on the way (a reply held back); either way it is rendered again here.
            let note = PanelNote.earlierPromptLostElsewhere(promptID: prompt.promptID, server: prompt.server, renderedOn: setup.server)
            return [.note(note), abandon] + advance()
        case .removedFromQueue:
            return [abandon] + advance()
        }
    }

    private mutating func downloadFailed(_ prompt: PromptRecord, _ error: OutputError) -> [Action] {
        // Rendered, but its images would not come: fetch them again later, never render again.
        guard case .downloadFailed(_, let name, _) = error, name != "(none)" else { return fail(Self.failure(for: error)) }
        guard setup.requeues < setup.maxTransportRetries else { return fail(Self.failure(for: error)) }
        phase = .requeued(Requeue(preferredServer: setup.server, adopt: [prompt],
                                  reason: .downloadPending(server: setup.server, reason: "images of prompt \(prompt.promptID) not downloaded yet: \(error.description)")))
        return []
    }

    private mutating func serverFailed(_ error: ComfyError) -> [Action] {
        let reason = error.description
        phase = .requeued(Requeue(preferredServer: nil, adopt: [], reason: .serverFailed(server: setup.server, reason: reason)))
        return [.markServerDown(reason: reason)]
    }

    private mutating func cancel() -> [Action] {
        let open: PromptRecord?
        switch phase {
        case .submitting(let prompt, _), .following(let prompt, .attempt), .following(let prompt, .adopted): open = prompt
        default: open = nil
        }
        phase = .cancelled
        return open.map { [.withdrawOnCancel(promptID: $0.promptID)] } ?? []
    }

    private mutating func fail(_ failure: RenderFailure) -> [Action] {
        phase = .failed(failure)
        return [.fail(failure)]
    }
}

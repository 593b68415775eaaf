import ComfyAPI
import ComfyWorkflow
import Foundation
import Logging

/// Renders one panel on one leased server by driving its `PanelMachine`: performs each action the
/// machine orders (ledger, server, output store, events) and feeds back what came of it. Every
/// decision is the machine's; this type only does the I/O.
struct PanelRenderer: Sendable {
    let context: RunContext

    /// Renders `item` on `lease`, releasing the lease at the end.
    func render(_ item: WorkItem, on lease: ServerPool.Lease) async -> PanelOutcome {
        let job = item.job
        let setup = PanelMachine.Setup(
            runID: context.runID, panelID: job.panelID, version: job.version, server: lease.url, batchSize: job.batchSize,
            rules: lease.rules, canTile: job.canUseTiledDecode && (lease.catalog?.contains("VAEDecodeTiled") ?? true),
            maxTransportRetries: context.options.maxTransportRetries, requeues: item.requeues, adopt: item.adopt,
            uploadsImage: job.clip != nil, quality: job.clip == nil ? context.options.quality : .off,
            qualityRedos: item.qualityRedos)
        var driver = PanelDriver(context: context, item: item, lease: lease, machine: PanelMachine(setup))
        let outcome = await driver.run()
        await driver.closeTemporaryClients()
        await context.pool.release(lease, jobSeconds: driver.timing.measuredSeconds)
        return outcome
    }
}

/// The I/O half of one panel task: the machine, the leased server, and what the actions left behind
/// for the next one (the submitted prompt's event stream, clients of other servers).
struct PanelDriver {
    let context: RunContext
    let item: WorkItem
    let lease: ServerPool.Lease
    var machine: PanelMachine
    /// Measured execution time on the leased server, for routing.
    var timing = JobTiming()
    /// The event stream of the prompt just submitted, followed by the next `.follow`.
    var submitted: PromptRun?
    /// Other servers holding prompts of an earlier process, by base URL.
    var others: [String: ServerPool.Lease] = [:]
    /// Clients made for servers no longer in the run; shut down when the task ends.
    private var temporary: [ComfyClient] = []
    /// The job of the next version after a quality redo was recorded.
    private var redoJob: RenderJob?

    init(context: RunContext, item: WorkItem, lease: ServerPool.Lease, machine: PanelMachine) {
        self.context = context
        self.item = item
        self.lease = lease
        self.machine = machine
    }

    var panelID: String { item.job.panelID }

    /// Runs the machine to a terminal phase and returns the outcome for the dispatcher.
    mutating func run() async -> PanelOutcome {
        var actions = machine.start()
        while true {
            var observation: PanelMachine.Observation?
            for action in actions {
                if action.waitsOnTheWorld, Task.isCancelled {
                    observation = .cancelled
                    break
                }
                if let result = await perform(action) {
                    observation = result
                    if case .cancelled = result { break }
                    if case .ledgerFailed = result { break }
                }
            }
            if machine.phase.isTerminal, observation == nil { return outcome() }
            guard let observation else {
                actions = machine.handle(.ledgerFailed("panel \(panelID): the lifecycle stopped without a next step"))
                continue
            }
            actions = machine.handle(observation)
        }
    }

    /// Shuts down the clients made for servers outside the run.
    func closeTemporaryClients() async {
        for client in temporary { await client.shutdown() }
    }

    private func outcome() -> PanelOutcome {
        switch machine.phase {
        case .completed:
            return .completed(panelID: panelID)
        case .failed(let failure):
            return .failed(panelID: panelID, failure)
        case .requeued(let requeue):
            if case .quality = requeue.reason, let redoJob {
                // A new version, not a retry: it starts afresh and does not count against the transport retries.
                var next = WorkItem(job: redoJob, preferredServer: nil, adopt: [])
                next.qualityRedos = item.qualityRedos + 1
                next.lastReason = requeue.reason.description
                return .requeue(next, reason: requeue.reason)
            }
            var next = item
            next.preferredServer = requeue.preferredServer
            next.adopt = requeue.adopt
            next.requeues += 1
            next.lastReason = requeue.reason.description
            return .requeue(next, reason: requeue.reason)
        default:
            return .cancelled(panelID: panelID)
        }
    }

    /// Performs one action; returns the observation it produced, if it produces one.
    private mutating func perform(_ action: PanelMachine.Action) async -> PanelMachine.Observation? {
        let ledger = context.ledger
        do {
            switch action {
            case .note(let note):
                try await ledger.addNote(note, panelID: panelID)
            case .setPromptState(let promptID, let state):
                try await ledger.setPromptState(promptID, state)
            case .readCoverage:
                var covered = Set<Int>()
                for prompt in try await ledger.prompts(panelID) where prompt.state == .completed {
                    covered.formUnion(prompt.firstImage..<(prompt.firstImage + prompt.imageCount))
                }
                return .coverage(remaining: (0..<item.job.batchSize).filter { !covered.contains($0) })
            case .beginAttempt:
                return .attemptBegun(try await ledger.beginAttempt(panelID))
            case .upload:
                return try await uploadKeyImage()
            case .submit(let record, let variant):
                return try await submit(record, variant)
            case .follow(let prompt, let origin):
                return await follow(prompt, origin)
            case .withdraw(let prompt):
                return await withdraw(prompt)
            case .download(let prompt, let result, let origin):
                let source = origin == .elsewhere ? others[prompt.server] ?? lease : lease
                do {
                    return .downloaded(try await store(result, prompt: prompt, from: source))
                } catch {
                    return Task.isCancelled ? .cancelled : .downloadFailed(error)
                }
            case .recordFiles(let prompt, let files):
                try await ledger.completePrompt(prompt.promptID, panelID: panelID, files: files)
            case .freeMemory:
                try? await lease.client.free(unloadModels: true, freeMemory: true)
            case .reportRetry(let reason):
                context.emit(.retrying(panelID: panelID, reason: reason))
            case .markServerDown(let reason):
                if await context.pool.markDown(lease.index, reason: reason) {
                    context.emit(.serverDown(server: lease.url, reason: reason))
                }
            case .withdrawOnCancel(let promptID):
                // The panel's task is cancelled: the withdrawal runs in a task of its own, awaited here.
                let client = lease.client
                let outcome = await Task { try? await client.withdraw(promptID: promptID) }.value
                if let outcome, PanelMachine.withdrawalEndsPrompt(outcome) {
                    try await ledger.setPromptState(promptID, .abandoned)
                }
            case .redoForQuality(let k, let verdict):
                let seed = item.job.seed == .max ? UInt64.max : item.job.seed + 1
                let version = item.job.version + 1
                let job = try item.job.qualityRedo(version: version, seed: seed)
                let note = PanelNote.qualityRedo(k: k, of: context.options.quality.maxRedos, verdict: verdict, version: version, seed: seed)
                let recorded = try await ledger.redoForQuality(panelID, seed: seed, fingerprint: job.fingerprint, note: note)
                var planned = job
                planned.version = recorded
                redoJob = planned
                await context.recorder.noteChange()
                return .qualityRedoRecorded(version: recorded, seed: seed)
            case .finish:
                return try await finish()
            case .fail(let failure):
                do { try await ledger.fail(panelID, failure: failure) } catch {
                    context.logger.error("cannot record failure of \(panelID): \(error)")
                }
                await context.recorder.noteChange()
                context.emit(.failed(panelID: panelID, failure: failure))
            }
        } catch let error as LedgerError {
            return Task.isCancelled ? .cancelled : .ledgerFailed(error.description)
        } catch let error as OutputError {
            return Task.isCancelled ? .cancelled : .outputFailed(error)
        } catch {
            return Task.isCancelled ? .cancelled : .ledgerFailed("\(error)")
        }
        return nil
    }

    /// Builds the part's graph, records the prompt, posts it, records it accepted and reports it queued.
    private mutating func submit(_ record: PromptRecord, _ variant: RenderJob.Variant) async throws -> PanelMachine.Observation {
        let graph: Workflow
        do { graph = try item.job.graph(variant, catalog: lease.catalog) } catch {
            return .graphRejected(error.description)
        }
        try await context.ledger.recordPrompt(record)
        let options = SubmitOptions(previewMethod: context.options.previewMethod.rawValue)
        do {
            submitted = try await lease.client.submit(graph, promptID: record.promptID, options: options)
        } catch {
            return Task.isCancelled ? .cancelled : .promptFailed(error)
        }
        // The prompt stays `recorded` until it starts: `markStarted` records it accepted in the same
        // commit (a resumed run adopts recorded and accepted prompts alike), one commit fewer per prompt.
        // The position counts this run's prompts ahead on the server, from its socket's events: a `GET /queue`
        // per prompt cost a request and a parse of the whole queue (issue 20's throughput profile).
        context.emit(.queued(panelID: panelID, promptID: record.promptID, server: lease.url,
                             position: await lease.client.promptsAhead(of: record.promptID) ?? 0))
        return .accepted
    }

    /// Withdraws a prompt an earlier process left on another server, through the run's client for
    /// that server or a temporary one (without credentials: the run's tokens are not sent to a
    /// server the user did not name).
    private mutating func withdraw(_ prompt: PromptRecord) async -> PanelMachine.Observation {
        var other = others[prompt.server]
        if other == nil { other = await context.pool.borrow(url: prompt.server) }
        if other == nil, let url = URL(string: prompt.server), url.host != nil,
           let client = try? ComfyClient(configuration: .init(baseURL: url, connectTimeout: .seconds(5), requestTimeout: .seconds(10)),
                                         logger: context.logger) {
            temporary.append(client)
            other = ServerPool.Lease(index: -1, url: client.server, client: client, catalog: nil, rules: nil)
        }
        guard let other else { return .serverUnreachable }
        others[prompt.server] = other
        do {
            return .withdrawn(try await other.client.withdraw(promptID: prompt.promptID))
        } catch {
            return Task.isCancelled ? .cancelled : .withdrawFailed(error)
        }
    }

    private func finish() async throws -> PanelMachine.Observation {
        let now = Date()
        if let copyPath = item.job.panel.copyPath, let first = try await context.ledger.panel(panelID)?.files.first {
            try context.store.copy(first, toProjectPath: copyPath)
        }
        try await handOn()
        let record = try await context.ledger.complete(panelID, finishedAt: now, downloadedAt: now)
        await context.recorder.noteChange()
        context.emit(.completed(panelID: panelID, files: record?.files ?? [], notes: record?.notes ?? []))
        return .finished
    }
}

extension PanelMachine.Action {
    /// True for the actions that wait on a server or start new work: they are not begun once the
    /// run is cancelled. Ledger writes and the withdrawal on cancel are always performed.
    var waitsOnTheWorld: Bool {
        switch self {
        case .follow, .withdraw, .readCoverage, .beginAttempt, .upload, .submit, .download: true
        default: false
        }
    }
}

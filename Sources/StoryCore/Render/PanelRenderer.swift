import ComfyAPI
import ComfyWorkflow
import Foundation

/// Renders one panel on one leased server: adopts prompts of an earlier process, submits the
/// remaining images (whole, or split by the memory policy or the out-of-memory ladder), follows
/// each prompt, stores its files and records every step in the ledger before acting on it.
struct PanelRenderer: Sendable {
    let context: RunContext

    /// Renders `item` on `lease`, releasing the lease at the end.
    func render(_ item: WorkItem, on lease: ServerPool.Lease) async -> PanelOutcome {
        var timing = JobTiming()
        let outcome = await renderBody(item, on: lease, timing: &timing)
        await context.pool.release(lease, jobSeconds: timing.measuredSeconds)
        return outcome
    }

    private func renderBody(_ item: WorkItem, on lease: ServerPool.Lease, timing: inout JobTiming) async -> PanelOutcome {
        let job = item.job
        let panelID = job.panelID
        do {
            for prompt in item.adopt where prompt.server == lease.url && prompt.state != .completed {
                do {
                    let run = try await lease.client.awaitPrompt(id: prompt.promptID)
                    try await follow(run, prompt: prompt, job: job, lease: lease, timing: &timing)
                } catch let error as ComfyError {
                    if Task.isCancelled { return await cancelled(panelID, prompt.promptID, lease) }
                    if Self.isServerFailure(error) { return await serverFailed(item, lease, error) }
                    context.logger.info("adopted prompt \(prompt.promptID) of \(panelID) not usable: \(error)")
                    try await context.ledger.addNote(Self.adoptionNote(error), panelID: panelID)
                    try await context.ledger.setPromptState(prompt.promptID, .abandoned)
                }
            }
            for prompt in item.adopt where prompt.server != lease.url && prompt.state != .completed {
                var elsewhere = JobTiming()  // another server's time must not skew this one's estimate
                try await settleElsewhere(prompt, job: job, lease: lease, timing: &elsewhere)
            }
            return try await renderRemaining(item, on: lease, timing: &timing)
        } catch where Task.isCancelled {
            return .cancelled(panelID: panelID)
        } catch let pending as DownloadPending {
            return await fetchAgainLater(item, lease, pending)
        } catch let error as LedgerError {
            return await fail(panelID, RenderFailure(kind: "ledger", message: error.description))
        } catch let error as OutputError {
            return await fail(panelID, Self.failure(for: error))
        } catch {
            return await fail(panelID, RenderFailure(kind: "internal", message: "\(error)"))
        }
    }

    /// Settles a prompt an earlier process left on another server than `lease`'s before this panel is
    /// rendered here, so the panel is never rendered on two servers unannounced: finished there → its
    /// result is collected from there; still queued → removed; running → interrupted; unknown → lost.
    /// When that server does not answer, the manifest notes that the panel may have rendered there too.
    /// A server no longer in the run is reached with a temporary client (without credentials: the run's
    /// tokens are not sent to a server the user did not name).
    private func settleElsewhere(_ prompt: PromptRecord, job: RenderJob, lease: ServerPool.Lease, timing: inout JobTiming) async throws {
        if let other = await context.pool.borrow(url: prompt.server) {
            return try await settle(prompt, on: other, job: job, lease: lease, timing: &timing)
        }
        guard let url = URL(string: prompt.server), url.host != nil,
              let client = try? ComfyClient(configuration: .init(baseURL: url, connectTimeout: .seconds(5), requestTimeout: .seconds(10)),
                                            logger: context.logger) else {
            try await context.ledger.addNote("prompt \(prompt.promptID) of an earlier run was sent to \(prompt.server), which cannot be reached from this run; rendered again on \(lease.url)",
                                             panelID: job.panelID)
            try await context.ledger.setPromptState(prompt.promptID, .abandoned)
            return
        }
        let other = ServerPool.Lease(index: -1, url: client.server, client: client, catalog: nil, rules: nil)
        do {
            try await settle(prompt, on: other, job: job, lease: lease, timing: &timing)
            await client.shutdown()
        } catch {
            await client.shutdown()
            throw error
        }
    }

    private func settle(_ prompt: PromptRecord, on other: ServerPool.Lease, job: RenderJob, lease: ServerPool.Lease, timing: inout JobTiming) async throws {
        let ledger = context.ledger
        let panelID = job.panelID
        let id = prompt.promptID
        let client = other.client
        // Each note is written before the prompt is abandoned: a process killed in between leaves the prompt
        // open (settled again next time), never abandoned without its explanation.
        do {
            var queue = try await client.queue()
            var deleted = false
            if queue.isPending(id) {
                try await client.deleteFromQueue([id])
                deleted = true
                queue = try await client.queue()  // it may have started in between
            }
            if queue.running.contains(where: { $0.promptID == id }) {
                try await client.interrupt(promptID: id)
                try await ledger.addNote("prompt \(id) of an earlier run was still running on \(prompt.server): interrupted there and rendered again on \(lease.url)", panelID: panelID)
                try await ledger.setPromptState(id, .abandoned)
                return
            }
            guard try await client.history(promptID: id) != nil else {
                if !deleted {
                    // Neither queued nor finished there: the server restarted and forgot it, or its POST is
                    // still on the way (a reply held back); either way it is rendered again here.
                    try await ledger.addNote("prompt \(id) of an earlier run lost by \(prompt.server) (restart?): rendered again on \(lease.url)", panelID: panelID)
                }
                try await ledger.setPromptState(id, .abandoned)
                return
            }
        } catch let error as ComfyError {
            if Task.isCancelled { throw error }
            try await ledger.addNote("prompt \(id) of an earlier run is on \(prompt.server), which did not answer (\(Self.firstLine(error.description))); rendered again on \(lease.url), so it may have rendered there too", panelID: panelID)
            try await ledger.setPromptState(id, .abandoned)
            return
        }
        // It finished there: collect that result rather than render the panel again.
        do {
            let run = try await client.awaitPrompt(id: id)
            try await follow(run, prompt: prompt, job: job, lease: other, timing: &timing)
        } catch let error as ComfyError {
            if Task.isCancelled { throw error }
            try await ledger.addNote(Self.adoptionNote(error), panelID: panelID)
            try await ledger.setPromptState(id, .abandoned)
        }
    }

    private func renderRemaining(_ item: WorkItem, on lease: ServerPool.Lease, timing: inout JobTiming) async throws -> PanelOutcome {
        let job = item.job
        let panelID = job.panelID
        let ledger = context.ledger
        var ladder = OutOfMemoryLadder()
        var lostRetries = 0
        let canTile = job.canUseTiledDecode && (lease.catalog?.contains("VAEDecodeTiled") ?? true)
        while true {
            if Task.isCancelled { return .cancelled(panelID: panelID) }
            let done = try await ledger.prompts(panelID).filter { $0.state == .completed }
            var covered = Set<Int>()
            for prompt in done { covered.formUnion(prompt.firstImage..<(prompt.firstImage + prompt.imageCount)) }
            let remaining = (0..<job.batchSize).filter { !covered.contains($0) }
            if remaining.isEmpty { return try await finish(job) }

            let perPrompt = (ladder.split || lease.rules != nil) ? 1 : remaining.count
            let parts = Self.chunks(remaining, size: perPrompt)
            if let rules = lease.rules {
                try await ledger.addNote(rules.note, panelID: panelID)
                if job.batchSize > 1 {
                    try await ledger.addNote("low-VRAM policy sent the batch of \(job.batchSize) as one-image prompts; image k uses seed + k", panelID: panelID)
                }
            }
            let attempt = try await ledger.beginAttempt(panelID)
            var currentPrompt: String?
            do {
                for (index, part) in parts.enumerated() {
                    let variant = RenderJob.Variant(firstImage: part.lowerBound, imageCount: part.count, rules: lease.rules, tiledDecode: ladder.tiled)
                    let graph: Workflow
                    do { graph = try job.graph(variant, catalog: lease.catalog) } catch {
                        return await fail(panelID, RenderFailure(kind: "validation", message: error.description))
                    }
                    let promptID = PromptIdentity.promptID(runID: context.runID, panelID: panelID, version: job.version, attempt: attempt, part: index)
                    let record = PromptRecord(promptID: promptID, panelID: panelID, attempt: attempt, part: index,
                                              firstImage: part.lowerBound, imageCount: part.count, server: lease.url)
                    try await ledger.recordPrompt(record)
                    currentPrompt = promptID
                    let options = SubmitOptions(previewMethod: context.options.previewMethod.rawValue)
                    let run = try await lease.client.submit(graph, promptID: promptID, options: options)
                    try await ledger.setPromptState(promptID, .accepted)
                    context.emit(.queued(panelID: panelID, promptID: promptID, server: lease.url,
                                         position: await Self.queuePosition(of: promptID, on: lease.client)))
                    try await follow(run, prompt: record, job: job, lease: lease, timing: &timing)
                    currentPrompt = nil
                }
            } catch let error as ComfyError {
                if Task.isCancelled { return await cancelled(panelID, currentPrompt, lease) }
                if let promptID = currentPrompt { try await ledger.setPromptState(promptID, .abandoned) }
                switch error {
                case .outOfMemory(let failure):
                    switch ladder.next(imagesPerPrompt: perPrompt, canTile: canTile) {
                    case .freeMemory:
                        try? await lease.client.free(unloadModels: true, freeMemory: true)
                        try await ledger.addNote("out-of-memory at node \(failure.nodeID) (\(failure.nodeType)): freed server memory and retried", panelID: panelID)
                        context.emit(.retrying(panelID: panelID, reason: "out of memory; freed server memory"))
                    case .splitBatch:
                        try await ledger.addNote("batch split after out-of-memory: \(remaining.count) one-image prompts; image k uses seed + k", panelID: panelID)
                        context.emit(.retrying(panelID: panelID, reason: "out of memory; splitting the batch"))
                    case .tiledDecode:
                        try await ledger.addNote("VAEDecodeTiled used after out-of-memory", panelID: panelID)
                        context.emit(.retrying(panelID: panelID, reason: "out of memory; decoding in tiles"))
                    case .giveUp:
                        return await fail(panelID, RenderFailure(
                            kind: "out_of_memory", message: Self.firstLine(failure.exceptionMessage),
                            nodeID: failure.nodeID, nodeType: failure.nodeType,
                            suggestion: "freeing memory, splitting the batch and tiled decoding did not help: lower config.target_resolution or use a server with more memory"))
                    }
                case .promptLost:
                    lostRetries += 1
                    guard lostRetries <= context.options.maxTransportRetries else {
                        return await fail(panelID, RenderFailure(kind: "lost", message: error.description))
                    }
                    try await ledger.addNote("prompt lost by the server (restart?) and submitted again", panelID: panelID)
                    context.emit(.retrying(panelID: panelID, reason: "the server lost the prompt"))
                default:
                    if Self.isServerFailure(error) { return await serverFailed(item, lease, error) }
                    return await fail(panelID, Self.failure(for: error))
                }
            }
        }
    }

    /// Follows a prompt to its end, emitting progress, then stores its files and records them.
    ///
    /// A watch runs alongside: when the server's socket stays down and `/system_stats` no longer
    /// answers, the prompt is abandoned with a transport error instead of waiting forever.
    private func follow(_ run: PromptRun, prompt: PromptRecord, job: RenderJob, lease: ServerPool.Lease, timing: inout JobTiming) async throws {
        let grace = context.options.healthCheckInterval * 3
        let interval = context.options.healthCheckInterval
        let seconds = try await withThrowingTaskGroup(of: FollowResult.self) { group in
            group.addTask { .completed(try await self.consume(run, prompt: prompt, job: job, lease: lease)) }
            group.addTask {
                try await Self.watch(lease.client, interval: interval, grace: grace)
                return .watchEnded
            }
            let first = try await group.next()
            group.cancelAll()
            guard case .completed(let seconds)? = first else { throw ComfyError.shutDown }
            return seconds
        }
        timing.add(seconds)
    }

    private enum FollowResult: Sendable {
        case completed(Double?)
        case watchEnded
    }

    /// Throws `.transport` when the server's socket has been down for `grace` and the server does
    /// not answer `/system_stats`; returns only when cancelled.
    private static func watch(_ client: ComfyClient, interval: Duration, grace: Duration) async throws(ComfyError) {
        var down: Duration = .zero
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { return }
            if await client.isConnected {
                down = .zero
                continue
            }
            down += interval
            guard down >= grace else { continue }
            _ = try await client.systemStats()
            down = .zero
        }
    }

    /// Iterates the prompt's events; returns the measured execution seconds when known.
    private func consume(_ run: PromptRun, prompt: PromptRecord, job: RenderJob, lease: ServerPool.Lease) async throws -> Double? {
        let panelID = job.panelID
        var started: ContinuousClock.Instant?
        var measured: Double?
        for try await event in run {
            switch event {
            case .server(let serverEvent):
                switch serverEvent {
                case .executionStart, .executing(.some, _, _), .progress:
                    if started == nil {
                        started = .now
                        try await context.ledger.markStarted(panelID)
                        context.emit(.started(panelID: panelID, promptID: prompt.promptID, server: lease.url))
                    }
                    if case .progress(let update) = serverEvent {
                        context.emit(.progress(panelID: panelID, promptID: prompt.promptID, node: update.node,
                                               step: Self.count(update.value), total: Self.count(update.max)))
                    }
                case .preview(let image):
                    context.emit(.preview(panelID: panelID, promptID: prompt.promptID, format: Self.format(image.format), bytes: image.data))
                default:
                    break
                }
            case .completed(let result):
                if let started { measured = JobTiming.seconds(ContinuousClock.now - started) }
                let files: [StoredFile]
                do {
                    files = try await store(result, prompt: prompt, version: job.version, lease: lease)
                } catch let error as OutputError {
                    // Rendered, but its images would not come: fetch them again later, never render again.
                    if case .downloadFailed(_, let name, _) = error, name != "(none)", !Task.isCancelled {
                        throw DownloadPending(prompt: prompt, failure: error)
                    }
                    throw error
                }
                try await context.ledger.completePrompt(prompt.promptID, panelID: panelID, files: files)
            }
        }
        return measured
    }

    /// Downloads the prompt's saved images into `outputs/<panel_id>/`.
    private func store(_ result: PromptResult, prompt: PromptRecord, version: Int, lease: ServerPool.Lease) async throws -> [StoredFile] {
        var wanted = result.files.filter { $0.type == "output" }
        if wanted.isEmpty { wanted = result.files }
        guard !wanted.isEmpty else {
            throw OutputError.downloadFailed(panelID: prompt.panelID, name: "(none)", reason: "the workflow saved no file; it needs a SaveImage node")
        }
        for file in wanted { _ = try SafeFileName.validated(file.filename, panelID: prompt.panelID) }
        var taken = Set(try await context.ledger.panel(prompt.panelID)?.files.map { URL(fileURLWithPath: $0.path).lastPathComponent } ?? [])
        var stored: [StoredFile] = []
        for file in wanted {
            var lastError: OutputError?
            // Five tries over about 3 s: a burst of 5xx from the server must not fail a panel it already rendered.
            for attempt in 0..<5 {
                do {
                    let ledger = context.ledger
                    let record = try await context.store.store(file, panelID: prompt.panelID, version: version, from: lease.client, avoiding: taken) { path in
                        try await ledger.notePendingFile(path, panelID: prompt.panelID, promptID: prompt.promptID)
                    }
                    stored.append(record)
                    taken.insert(URL(fileURLWithPath: record.path).lastPathComponent)
                    lastError = nil
                    break
                } catch {
                    lastError = error
                    guard case .downloadFailed = error, !Task.isCancelled else { break }
                    try? await Task.sleep(for: .milliseconds(200 << attempt))
                }
            }
            if let lastError { throw lastError }
        }
        return stored
    }

    private func finish(_ job: RenderJob) async throws -> PanelOutcome {
        let panelID = job.panelID
        let now = Date()
        if let copyPath = job.panel.copyPath, let first = try await context.ledger.panel(panelID)?.files.first {
            try context.store.copy(first, toProjectPath: copyPath)
        }
        try await context.ledger.complete(panelID, finishedAt: now, downloadedAt: now)
        let record = try await context.ledger.panel(panelID)
        await context.recorder.noteChange()
        context.emit(.completed(panelID: panelID, files: record?.files ?? [], notes: record?.notes ?? []))
        return .completed(panelID: panelID)
    }

    private func fail(_ panelID: String, _ failure: RenderFailure) async -> PanelOutcome {
        do { try await context.ledger.fail(panelID, failure: failure) } catch {
            context.logger.error("cannot record failure of \(panelID): \(error)")
        }
        await context.recorder.noteChange()
        context.emit(.failed(panelID: panelID, failure: failure))
        return .failed(panelID: panelID, failure)
    }

    /// A prompt rendered but its images could not be downloaded: the panel goes back to the queue to
    /// fetch the same prompt's result again from the same server (its ledger record stays open), up to
    /// `maxTransportRetries` times, and fails with the download error after that.
    private func fetchAgainLater(_ item: WorkItem, _ lease: ServerPool.Lease, _ pending: DownloadPending) async -> PanelOutcome {
        guard item.requeues < context.options.maxTransportRetries else {
            return await fail(item.job.panelID, Self.failure(for: pending.failure))
        }
        var next = item
        next.preferredServer = lease.url
        next.adopt = [pending.prompt]
        next.requeues += 1
        next.lastReason = pending.failure.description
        return .requeue(next, reason: "images of prompt \(pending.prompt.promptID) not downloaded yet: \(pending.failure.description)")
    }

    private func serverFailed(_ item: WorkItem, _ lease: ServerPool.Lease, _ error: ComfyError) async -> PanelOutcome {
        let reason = error.description
        if await context.pool.markDown(lease.index, reason: reason) {
            context.emit(.serverDown(server: lease.url, reason: reason))
        }
        var next = item
        next.preferredServer = nil
        next.adopt = []
        next.requeues += 1
        next.lastReason = reason
        return .requeue(next, reason: reason)
    }

    /// Stops the panel's prompt on the server (interrupt when running, delete when queued). Runs
    /// in its own task because the panel's task is cancelled; it is awaited, so it does not outlive it.
    private func cancelled(_ panelID: String, _ promptID: String?, _ lease: ServerPool.Lease) async -> PanelOutcome {
        if let promptID {
            let client = lease.client
            await Task {
                guard let queue = try? await client.queue() else { return }
                if queue.isRunning(promptID) {
                    try? await client.interrupt(promptID: promptID)
                } else if queue.isPending(promptID) {
                    try? await client.deleteFromQueue([promptID])
                }
            }.value
        }
        return .cancelled(panelID: panelID)
    }

    static func isServerFailure(_ error: ComfyError) -> Bool {
        switch error {
        case .transport, .stalled, .shutDown, .responseTooLarge, .malformedReply: return true
        case .httpStatus(_, let status, _): return status >= 500 || status == 429 || status == 408
        default: return false
        }
    }

    static func failure(for error: ComfyError) -> RenderFailure {
        switch error {
        case .validation(let v):
            let node = v.nodeErrors.first
            return RenderFailure(kind: "validation", message: v.description, nodeID: node?.nodeID ?? v.nodeID, nodeType: node?.classType)
        case .execution(let f):
            return RenderFailure(kind: "execution", message: "\(f.exceptionType): \(firstLine(f.exceptionMessage))", nodeID: f.nodeID, nodeType: f.nodeType)
        case .outOfMemory(let f):
            return RenderFailure(kind: "out_of_memory", message: firstLine(f.exceptionMessage), nodeID: f.nodeID, nodeType: f.nodeType)
        case .interrupted(_, let nodeID, let nodeType):
            return RenderFailure(kind: "interrupted", message: "the prompt was interrupted on the server", nodeID: nodeID, nodeType: nodeType)
        default:
            return RenderFailure(kind: "server", message: error.description)
        }
    }

    static func failure(for error: OutputError) -> RenderFailure {
        switch error {
        case .hostileFileName:
            return RenderFailure(kind: "hostile_file_name", message: error.description, suggestion: "check the workflow's SaveImage filename_prefix and the server")
        default:
            return RenderFailure(kind: "output", message: error.description)
        }
    }

    static func chunks(_ indices: [Int], size: Int) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start: Int?
        var last = -2
        for i in indices {
            if let s = start, i == last + 1, i - s < size {
                last = i
                continue
            }
            if let s = start { ranges.append(s..<(last + 1)) }
            start = i
            last = i
        }
        if let s = start { ranges.append(s..<(last + 1)) }
        return ranges
    }

    /// A step count from a server number, clamped into 0...1_000_000 (non-finite values become 0).
    static func count(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(min(max(value.rounded(), 0), 1_000_000))
    }

    /// The manifest note for a prompt of an earlier process that could not be collected.
    static func adoptionNote(_ error: ComfyError) -> String {
        switch error {
        case .promptLost:
            return "prompt lost by the server (restart?) and submitted again"
        case .interrupted:
            return "prompt interrupted when the earlier run was cancelled; rendered again"
        default:
            return "prompt of the earlier run not usable (\(firstLine(error.description))); rendered again"
        }
    }

    static func firstLine(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: true).first ?? "")
    }

    static func format(_ format: PreviewImage.Format) -> String {
        switch format {
        case .jpeg: "jpeg"
        case .png: "png"
        case .other: "unknown"
        }
    }

    static func queuePosition(of promptID: String, on client: ComfyClient) async -> Int? {
        guard let queue = try? await client.queue() else { return nil }
        if queue.isRunning(promptID) { return 0 }
        let pending = queue.pending.sorted { $0.number < $1.number }
        guard let index = pending.firstIndex(where: { $0.promptID == promptID }) else { return nil }
        return queue.running.count + index
    }
}

/// Measured execution time of a job, for routing.
struct JobTiming: Sendable {
    private var total = 0.0
    private var any = false

    mutating func add(_ seconds: Double?) {
        guard let seconds else { return }
        total += seconds
        any = true
    }

    var measuredSeconds: Double? { any ? total : nil }

    static func seconds(_ duration: Duration) -> Double {
        let c = duration.components
        return Double(c.seconds) + Double(c.attoseconds) / 1e18
    }
}

/// A prompt finished on the server but its images could not be downloaded after the store's retries.
struct DownloadPending: Error {
    /// The finished prompt, whose result is fetched again.
    let prompt: PromptRecord
    /// The last download failure.
    let failure: OutputError
}

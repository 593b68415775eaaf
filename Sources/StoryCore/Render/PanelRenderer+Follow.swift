import ComfyAPI
import ComfyWorkflow
import Foundation

extension PanelDriver {
    /// Follows a prompt to its end and reports how it ended. The submitted prompt's own stream is
    /// followed for `.attempt`; a prompt of an earlier process is looked up by id on its server.
    ///
    /// A watch runs alongside: when the server's socket stays down and `/system_stats` no longer
    /// answers, the prompt ends with a transport error instead of waiting forever.
    mutating func follow(_ prompt: PromptRecord, _ origin: PanelMachine.Origin) async -> PanelMachine.Observation {
        let server = origin == .elsewhere ? others[prompt.server] ?? lease : lease
        do {
            let run: PromptRun
            switch origin {
            case .attempt:
                guard let submitted else { return .ledgerFailed("prompt \(prompt.promptID) was followed before it was submitted") }
                run = submitted
                self.submitted = nil
            case .adopted, .elsewhere:
                run = try await server.client.awaitPrompt(id: prompt.promptID)
            }
            let (result, seconds) = try await watched(run, prompt: prompt, server: server)
            // Another server's time must not skew this one's estimate.
            if origin != .elsewhere { timing.add(seconds) }
            guard let result else { return .promptFailed(.shutDown) }
            return .executed(result)
        } catch let error as ComfyError {
            return Task.isCancelled ? .cancelled : .promptFailed(error)
        } catch let error as LedgerError {
            return Task.isCancelled ? .cancelled : .ledgerFailed(error.description)
        } catch {
            return Task.isCancelled ? .cancelled : .promptFailed(.shutDown)
        }
    }

    private func watched(_ run: PromptRun, prompt: PromptRecord, server: ServerPool.Lease) async throws -> (PromptResult?, Double?) {
        let grace = context.options.healthCheckInterval * 3
        let interval = context.options.healthCheckInterval
        let context = self.context
        return try await withThrowingTaskGroup(of: FollowResult.self) { group in
            group.addTask { .ended(try await Self.consume(run, prompt: prompt, server: server.url, context: context)) }
            group.addTask {
                try await Self.watch(server.client, interval: interval, grace: grace)
                return .watchEnded
            }
            let first = try await group.next()
            group.cancelAll()
            guard case .ended(let ended)? = first else { throw ComfyError.shutDown }
            return ended
        }
    }

    private enum FollowResult: Sendable {
        case ended((PromptResult?, Double?))
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

    /// Iterates the prompt's events, reporting start, progress and previews; returns its result
    /// and the measured execution seconds when known.
    private static func consume(_ run: PromptRun, prompt: PromptRecord, server: String,
                                context: RunContext) async throws -> (PromptResult?, Double?) {
        let panelID = prompt.panelID
        var started: ContinuousClock.Instant?
        var measured: Double?
        var result: PromptResult?
        for try await event in run {
            switch event {
            case .server(let serverEvent):
                switch serverEvent {
                case .executionStart, .executing(.some, _, _), .progress:
                    if started == nil {
                        started = .now
                        try await context.ledger.markStarted(panelID, promptID: prompt.promptID)
                        context.emit(.started(panelID: panelID, promptID: prompt.promptID, server: server))
                    }
                    if case .progress(let update) = serverEvent {
                        context.emit(.progress(panelID: panelID, promptID: prompt.promptID, node: update.node,
                                               step: count(update.value), total: count(update.max)))
                    }
                case .preview(let image):
                    context.emit(.preview(panelID: panelID, promptID: prompt.promptID, format: format(image.format), bytes: image.data))
                default:
                    break
                }
            case .completed(let finished):
                if let started { measured = JobTiming.seconds(ContinuousClock.now - started) }
                result = finished
            }
        }
        return (result, measured)
    }

    /// Downloads the prompt's saved images into `outputs/<panel_id>/`, each tried five times over
    /// about 3 s (a burst of 5xx from the server must not fail a panel it already rendered).
    func store(_ result: PromptResult, prompt: PromptRecord, from server: ServerPool.Lease) async throws(OutputError) -> [StoredFile] {
        var wanted = result.files.filter { $0.type == "output" }
        if wanted.isEmpty { wanted = result.files }
        guard !wanted.isEmpty else {
            throw OutputError.downloadFailed(panelID: prompt.panelID, name: "(none)", reason: "the workflow saved no file; it needs a SaveImage node")
        }
        for file in wanted { _ = try SafeFileName.validated(file.filename, panelID: prompt.panelID) }
        let ledger = context.ledger
        var taken: Set<String>
        do {
            taken = Set(try await ledger.filePaths(prompt.panelID).map { URL(fileURLWithPath: $0).lastPathComponent })
        } catch {
            throw .io(path: ledger.path, reason: error.description)
        }
        var stored: [StoredFile] = []
        for file in wanted {
            var lastError: OutputError?
            for attempt in 0..<5 {
                do {
                    let record = try await context.store.store(file, panelID: prompt.panelID, version: item.job.version, from: server.client,
                                                               avoiding: taken) { path in
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

    /// A step count from a server number, clamped into 0...1_000_000 (non-finite values become 0).
    static func count(_ value: Double) -> Int {
        guard value.isFinite else { return 0 }
        return Int(min(max(value.rounded(), 0), 1_000_000))
    }

    static func format(_ format: PreviewImage.Format) -> String {
        switch format {
        case .jpeg: "jpeg"
        case .png: "png"
        case .other: "unknown"
        }
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

import ComfyAPI
import ComfyWorkflow
import Foundation
import Logging

/// Renders every panel of a StoryCore project through one or more ComfyUI servers and leaves the
/// images, `outputs/manifest.json` and the updated `project.json` the contract describes.
///
/// ```swift
/// let renderer = Renderer(project: try Project.load(from: folder),
///                         options: RenderOptions(servers: [.init(baseURL: url)], workflow: .file(graphURL)))
/// async let summary = renderer.run()
/// for await event in renderer.events { show(event) }
/// print(try await summary)
/// ```
/// Call `run()` once. It resumes an earlier run of the same project from the ledger unless
/// `options.fresh` is set. Cancelling the task running `run()` stops submitting, interrupts
/// this run's prompts on the servers, leaves ledger and manifest consistent, and returns a
/// summary with `cancelled == true`. Problems that stop the whole run (no server, a workflow
/// the servers cannot run) are thrown before anything is submitted; a single panel's failure
/// is recorded and reported, and the run goes on.
public final class Renderer: Sendable {
    /// The project rendered.
    public let project: Project
    /// The options of the run.
    public let options: RenderOptions
    /// What happens during the run, ending after `.runFinished` (or when `run()` throws).
    /// A single-consumer sequence; events are buffered until read.
    public let events: AsyncStream<RenderEvent>
    let continuation: AsyncStream<RenderEvent>.Continuation
    private let logger: Logger
    private let connected = ConnectedClients()

    /// Creates a renderer; nothing happens until `run()`. `logger` receives diagnostics (default: discarded).
    public init(project: Project, options: RenderOptions,
                logger: Logger = Logger(label: "StoryCore", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.project = project
        self.options = options
        self.logger = logger
        (events, continuation) = AsyncStream.makeStream(of: RenderEvent.self, bufferingPolicy: .unbounded)
    }

    /// Runs the render to its end and returns the summary (see the type's documentation).
    public func run() async throws(RenderError) -> RenderSummary {
        defer { continuation.finish() }
        let started = ContinuousClock.now
        guard !options.servers.isEmpty else { throw .invalidOptions("no server given") }
        guard options.maxInFlightPerServer >= 1 else { throw .invalidOptions("maxInFlightPerServer must be at least 1") }
        let selection = try PanelSelection(project: project, options: options)
        try Self.precheckClips(options.clips)
        var store = OutputStore(projectDirectory: project.directory, maxFileBytes: options.maxFileBytes)
        if options.quality.measures { store.qualityThresholds = options.qualityThresholds }
        do { _ = try store.checkedOutputsDirectory() } catch { throw .output(error) }
        for path in store.removeStaleTemporaries() { logger.info("removed a temporary file of an interrupted run: \(path)") }
        let ledger: Ledger
        do { ledger = try Ledger(outputsDirectory: project.outputsDirectory) } catch { throw .ledger(error) }
        let run: (runID: String, resumed: Bool)
        do { run = try await ledger.beginRun(projectID: project.id, fresh: options.fresh) } catch { throw .ledger(error) }
        do {
            for path in try await ledger.takeUnrecordedPendingFiles() where store.removeUnrecordedFile(path) {
                logger.info("removed an image an interrupted run put in place but never recorded: \(path)")
            }
        } catch {
            throw .ledger(error)
        }

        var clients: [ComfyClient] = []
        var reasons: [String: String] = [:]
        for configuration in options.servers {
            var configuration = configuration
            configuration.clientID = PromptIdentity.clientID(runID: run.runID, server: configuration.baseURL.absoluteString)
            do { clients.append(try ComfyClient(configuration: configuration, logger: logger)) } catch {
                reasons[configuration.baseURL.absoluteString] = error.description
            }
        }
        guard reasons.isEmpty else {
            await Self.shutDown(clients)
            throw .noServerAvailable(reasons)
        }
        await connected.set(clients)
        do {
            let summary = try await execute(run: run, selection: selection, ledger: ledger, store: store, clients: clients, started: started)
            await Self.shutDown(clients)
            return summary
        } catch {
            await Self.shutDown(clients)
            throw error
        }
    }

    /// WebSocket reconnects per server (base URL) so far in `run()`: connections opened beyond the first.
    /// Empty before `run()` has made its clients; the last counts stay readable after it returns.
    public func reconnects() async -> [String: Int] {
        await connected.reconnects()
    }

    /// Shuts every client down at once: one after another, each socket close added to the run's tail
    /// (measured by the pool benchmark: 4 servers, +190 ms).
    private static func shutDown(_ clients: [ComfyClient]) async {
        await withTaskGroup(of: Void.self) { group in
            for client in clients { group.addTask { await client.shutdown() } }
        }
    }

    private func execute(run: (runID: String, resumed: Bool), selection: PanelSelection, ledger: Ledger, store: OutputStore, clients: [ComfyClient],
                         started: ContinuousClock.Instant) async throws(RenderError) -> RenderSummary {
        let probes = await ServerProbe.probeAll(clients)
        let catalog = probes.compactMap { try? $0.get().catalog }.first
        guard catalog != nil else {
            var reasons: [String: String] = [:]
            for (client, probe) in zip(clients, probes) {
                if case .failure(let error) = probe { reasons[client.server] = error.description }
            }
            throw .noServerAvailable(reasons)
        }
        let template = try WorkflowSourceLoader.load(options.workflow, catalog: catalog)
        var versions = try await PlannedVersion.decide(for: selection, ledger: ledger)
        var planOptions = options
        planOptions.panelSelection = Set(selection.panels.map(\.id))
        var plan = try RenderPlan(project: project, template: template, options: planOptions, versions: versions)
        let clips = try await planClips(selection: selection, catalog: catalog, ledger: ledger)
        plan.jobs += clips.jobs
        versions.merge(clips.versions) { panel, _ in panel }

        var servers: [ServerPool.Server] = []
        var problems: [PlanProblem] = []
        var checked = PlanCheckCache()
        for (index, (client, probe)) in zip(clients, probes).enumerated() {
            switch probe {
            case .success(let found):
                let rules = options.memoryPolicy.rules(vramTotal: found.vramTotal)
                problems += checked.problems(of: plan, against: found.catalog, server: client.server, rules: rules)
                servers.append(.init(index: index, url: client.server, client: client, isUp: true, catalog: found.catalog, rules: rules))
            case .failure(let error):
                servers.append(.init(index: index, url: client.server, client: client, isUp: false, downReason: error.description))
            }
        }
        guard problems.isEmpty else { throw .invalidPlan(problems) }

        let pool = ServerPool(servers: servers, maxInFlight: options.maxInFlightPerServer)
        let recorder = RunRecorder(ledger: ledger, project: project, runID: run.runID, servers: clients.map(\.server),
                                   handoff: options.handoff)
        var context = RunContext(runID: run.runID, options: options, ledger: ledger, store: store, pool: pool,
                                 recorder: recorder, events: continuation, logger: logger)
        context.handoffGridSpec = HandOff.gridSpec(of: project)
        continuation.yield(.runStarted(runID: run.runID, resumed: run.resumed, panels: plan.jobs.count, servers: clients.map(\.server)))
        for server in servers {
            continuation.yield(server.isUp ? .serverUp(server: server.url) : .serverDown(server: server.url, reason: server.downReason ?? "unreachable"))
        }
        let (resumed, kept) = try await resumeState(plan: plan, versions: versions, ledger: ledger, store: store)
        let work = try await orderClips(resumed, ledger: ledger)
        // The manifest and project file follow the plan in the background: written whole they take seconds
        // for a 20,000-panel project, and the first prompt must not wait for them (the ledger is the record).
        await recorder.noteChange()

        let dispatcher = Dispatcher(context: context, plan: plan)
        let tally = await dispatcher.run(work)
        if options.handoff { await HandOff.handOnMissing(project: project, ledger: ledger, logger: logger) }
        try await recorder.write()

        let failures: [String: RenderFailure]
        do {
            failures = try await ledger.failures(among: Set(plan.jobs.map(\.panelID)))
        } catch {
            throw .ledger(error)
        }
        var summary = RenderSummary(
            runID: run.runID, total: plan.jobs.count, rendered: tally.rendered, kept: kept, failures: failures,
            pending: max(0, plan.jobs.count - tally.rendered - kept - failures.count), cancelled: tally.cancelled,
            duration: ContinuousClock.now - started,
            manifest: project.outputsDirectory.appendingPathComponent(Manifest.fileName))
        do {
            for (panelID, planned) in versions where planned.redo {
                summary.redone[panelID] = try await ledger.panel(panelID)?.version ?? planned.version
            }
        } catch {
            throw .ledger(error)
        }
        summary.manifestWrites = await recorder.writeCount
        summary.manifestWriterCPUSeconds = await recorder.cpuSeconds
        continuation.yield(.runFinished(summary))
        return summary
    }

    /// Records the plan in the ledger and decides, per panel, whether it is kept, adopted or rendered.
    private func resumeState(plan: RenderPlan, versions: [String: PlannedVersion], ledger: Ledger,
                             store: OutputStore) async throws(RenderError) -> (work: [WorkItem], kept: Int) {
        do {
            let records = plan.jobs.enumerated().map { index, job in
                var record = PanelRecord(panelID: job.panelID, position: index, shotID: job.panel.shotID, fingerprint: job.fingerprint,
                                         prompt: job.panel.prompt, negativePrompt: job.panel.negativePrompt, seed: job.seed,
                                         width: job.panel.resolution.width, height: job.panel.resolution.height, batchSize: job.batchSize)
                record.version = job.version
                record.override = job.override
                record.notes = versions[job.panelID]?.note.map { [$0] } ?? []
                record.clip = job.clip.map { ClipRecord(keyPanelID: $0.keyPanelID, frames: $0.frames, frameRate: $0.frameRate,
                                                        durationSeconds: $0.durationSeconds) }
                return record
            }
            let recorded = try await ledger.plan(records)
            var work: [WorkItem] = []
            var kept = 0
            for (planned, record) in zip(plan.jobs, recorded) {
                var job = planned
                job.version = record.version
                switch record.state {
                case .completed where !record.files.isEmpty && record.files.allSatisfy(store.isIntact):
                    kept += 1
                    continuation.yield(.kept(panelID: job.panelID, files: record.files))
                    continue
                case .completed, .failed:
                    try await ledger.replan(job.panelID)
                    work.append(WorkItem(job: job, preferredServer: nil, adopt: []))
                case .submitted:
                    let open = try await ledger.prompts(job.panelID).filter { $0.state == .recorded || $0.state == .accepted }
                    let latest = open.map(\.attempt).max()
                    let adopt = open.filter { $0.attempt == latest }
                    work.append(WorkItem(job: job, preferredServer: adopt.first?.server, adopt: adopt))
                case .planned:
                    work.append(WorkItem(job: job, preferredServer: nil, adopt: []))
                }
                continuation.yield(.planned(panelID: job.panelID, seed: job.seed, batchSize: job.batchSize))
            }
            return (work, kept)
        } catch {
            throw .ledger(error)
        }
    }
}

/// The clients of a run, for `Renderer.reconnects()`.
private actor ConnectedClients {
    private var clients: [ComfyClient] = []

    func set(_ clients: [ComfyClient]) { self.clients = clients }

    func reconnects() async -> [String: Int] {
        var counts: [String: Int] = [:]
        for client in clients { counts[client.server] = max(0, await client.connectionCount - 1) }
        return counts
    }
}

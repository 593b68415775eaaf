import ComfyAPI
import ComfyWorkflow
import Foundation
import Logging
import StoryCore

/// Owns a project and the render options of its dashboard, runs renders in a task it owns, and turns
/// the page's actions (start, stop, redo, approve, reject) into renders and ledger records.
///
/// Every render event goes to the hub (and so to every viewer) and, for a run started with
/// `observe: true`, to the run's own `events` stream as well, so `render --dashboard` shows its
/// terminal progress from the same events. One render at a time.
public actor DashboardController {
    /// The hub holding the page's state.
    public nonisolated let hub: DashboardHub
    /// The project folder.
    public nonisolated let projectDirectory: URL
    /// The options every render starts from (servers, workflow, previews, ...).
    public let baseOptions: RenderOptions
    private let logger: Logger
    private var ledger: Ledger?
    private var current: Task<Result<RenderSummary, RenderError>, Never>?
    private var reviewedDuringRun = false
    private let monitor: ServerMonitor

    /// Opens the dashboard of the project in `projectDirectory`: reads the project and, when the project
    /// was rendered before, its ledger, so the page shows the real state between renders.
    /// `viewerQueueCapacity` bounds each viewer's queue of messages (default 256).
    public init(projectDirectory: URL, options: RenderOptions, viewerQueueCapacity: Int = 256,
                logger: Logger = Logger(label: "StoryCoreDashboard", factory: { _ in SwiftLogNoOpLogHandler() })) async throws(DashboardError) {
        let project: Project
        do { project = try Project.load(from: projectDirectory) } catch { throw .project(error.description) }
        let monitor = ServerMonitor(servers: options.servers, logger: logger)
        let servers = monitor.names
        var state = DashboardState(projectID: project.id, projectPath: project.directory.path, panels: project.panels, servers: servers)
        let ledgerFile = project.outputsDirectory.appendingPathComponent(".comfybridge/\(Ledger.fileName)")
        var ledger: Ledger?
        if FileManager.default.fileExists(atPath: ledgerFile.path) {
            do {
                let opened = try Ledger(outputsDirectory: project.outputsDirectory)
                for record in try await opened.panels() { state.refresh(with: record) }
                ledger = opened
            } catch {
                throw .ledger(error.description)
            }
        }
        self.projectDirectory = project.directory
        self.baseOptions = options
        self.logger = logger
        self.ledger = ledger
        let hub = DashboardHub(state: state, viewerCapacity: viewerQueueCapacity)
        self.hub = hub
        self.monitor = monitor
    }

    /// Starts polling the servers' `/system_stats` (at most every 2 s, only while a viewer is connected
    /// or a render goes).
    public func startMonitoring() async {
        await monitor.start(hub: hub) { [weak self] in await self?.isRendering ?? false }
    }

    /// True while a render goes.
    public var isRendering: Bool { current != nil }

    // MARK: Actions

    /// Starts a render of what is pending (completed panels are kept), or of the panels in `redo` as
    /// their next versions. With `observe`, the returned run's `events` carries every event too.
    @discardableResult
    public func start(redo: [String: PanelOverride] = [:], options override: RenderOptions? = nil,
                      observe: Bool = false) async throws(DashboardActionError) -> DashboardRun {
        guard current == nil else { throw .conflict("a render is already going; stop it first") }
        let project: Project
        do { project = try Project.load(from: projectDirectory) } catch { throw .conflict("cannot start: \(error.description)") }
        var options = override ?? baseOptions
        for (panelID, change) in redo {
            guard project.panel(panelID) != nil else { throw .badRequest("the project has no panel \(panelID)") }
            options.redo[panelID] = change
        }
        let (events, continuation) = AsyncStream.makeStream(of: RenderEvent.self, bufferingPolicy: .unbounded)
        if !observe { continuation.finish() }
        let renderer = Renderer(project: project, options: options, logger: logger)
        let redoPanels = Set(options.redo.keys)
        await hub.change { $0.beginRun(at: Date(), redo: redoPanels) }
        reviewedDuringRun = false
        let task = Task<Result<RenderSummary, RenderError>, Never> {
            let forwarder = Task {
                for await event in renderer.events {
                    if observe { continuation.yield(event) }
                    await self.forward(event)
                }
                continuation.finish()
            }
            let result: Result<RenderSummary, RenderError>
            do throws(RenderError) { result = .success(try await renderer.run()) } catch { result = .failure(error) }
            await forwarder.value
            await self.finished(result)
            return result
        }
        current = task
        return DashboardRun(events: events, outcome: task, renderer: renderer)
    }

    /// Stops the render as Ctrl-C does: no new submissions, this run's prompts interrupted, the ledger
    /// saved; a later start resumes. Returns at once; the run ends shortly after.
    public func stop() async throws(DashboardActionError) {
        guard let current else { throw .conflict("no render is going") }
        await hub.change { if $0.runState == .rendering { $0.runState = .stopping } }
        current.cancel()
    }

    /// Starts a render of one panel as its next version, optionally with another seed or prompt.
    @discardableResult
    public func redo(panelID: String, seed: UInt64?, prompt: String?) async throws(DashboardActionError) -> DashboardRun {
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw .badRequest("prompt must not be empty (leave it out to keep the panel's prompt)")
        }
        guard await hub.state.tile(panelID) != nil else { throw .badRequest("the project has no panel \(panelID)") }
        return try await start(redo: [panelID: PanelOverride(prompt: prompt, seed: seed)])
    }

    /// Records a verdict on a version of a panel (default: its current version) in the ledger, and in
    /// the manifest entry as `review` (at once between renders; with the render's own manifest writes,
    /// and at its end, while one goes).
    public func review(panelID: String, verdict: PanelReview.Verdict, version: Int?) async throws(DashboardActionError) -> PanelReview {
        guard let tile = await hub.state.tile(panelID) else { throw .badRequest("the project has no panel \(panelID)") }
        let chosen = version ?? tile.version
        guard chosen >= 1, chosen <= tile.version else {
            throw .notFound("\(panelID) has no version \(chosen) (its current version is \(tile.version))")
        }
        guard let files = tile.files(version: chosen), !files.isEmpty else {
            throw .conflict("\(panelID) version \(chosen) has no image to review yet")
        }
        let review = PanelReview(verdict: verdict, version: chosen)
        do {
            let ledger = try openLedger()
            try await ledger.setReview(review, panelID: panelID)
        } catch {
            throw .failed("cannot record the review: \(error.description)")
        }
        await hub.change(panelID: panelID) { state in
            state.setReview(review, panelID: panelID)
            state.note(Notice(at: review.at, level: .info, panelID: panelID,
                              text: "\(panelID) version \(chosen) \(verdict.rawValue)"))
        }
        if current == nil {
            do { try await writeManifest() } catch { throw .failed(error.description) }
        } else {
            reviewedDuringRun = true
        }
        if baseOptions.handoff, verdict == .approved {
            // The approved version is what StoryCore's later steps get: its image replaces the hand-off files.
            do {
                try await HandOff(projectDirectory: projectDirectory)
                    .refresh(panelID: panelID, project: try Project.load(from: projectDirectory), ledger: try openLedger())
            } catch let error as RenderError {
                throw .failed("the review is recorded, but the approved version could not be handed on: \(error.description)")
            } catch {
                throw .failed("the review is recorded, but the approved version could not be handed on: \(error)")
            }
        }
        return review
    }

    /// Waits until no render goes.
    public func waitUntilIdle() async {
        while let current { _ = await current.value; if self.current == current { self.current = nil } }
    }

    /// Stops a running render, waits for it to end, and stops polling the servers.
    public func shutdown() async {
        current?.cancel()
        await waitUntilIdle()
        await monitor.stop()
    }

    // MARK: Plumbing

    private func forward(_ event: RenderEvent) async {
        var record: PanelRecord?
        switch event {
        case .completed(let panelID, _, _), .failed(let panelID, _), .kept(let panelID, _):
            record = await ledgerRecord(panelID)
        case .planned(let panelID, _, _):
            let tile = await hub.state.tile(panelID)
            let redo = await hub.state.redoPanels.contains(panelID)
            if redo || tile?.status.isFinished == true { record = await ledgerRecord(panelID) }
        default:
            break
        }
        await hub.apply(event, record: record)
    }

    private func ledgerRecord(_ panelID: String) async -> PanelRecord? {
        guard let ledger = try? openLedger() else { return nil }
        return try? await ledger.panel(panelID)
    }

    private func openLedger() throws(LedgerError) -> Ledger {
        if let ledger { return ledger }
        let outputs = projectDirectory.appendingPathComponent("outputs", isDirectory: true)
        let opened = try Ledger(outputsDirectory: outputs)
        ledger = opened
        return opened
    }

    private func finished(_ result: Result<RenderSummary, RenderError>) async {
        current = nil
        let records = (try? await openLedger().panels()) ?? []
        let failure: String? = if case .failure(let error) = result { error.description } else { nil }
        // Every tile is brought in line with the ledger: one fresh snapshot tells every viewer.
        await hub.replace { state in
            if state.runState != .idle { state.endRun(at: Date()) }
            for record in records { state.refresh(with: record) }
            if let failure { state.note(Notice(at: Date(), level: .error, text: "render could not run: \(failure)")) }
        }
        if reviewedDuringRun {
            reviewedDuringRun = false
            try? await writeManifest()
        }
    }

    /// Rewrites `outputs/manifest.json` from the ledger, keeping the run id and servers it lists.
    private func writeManifest() async throws(DashboardActionError) {
        let outputs = projectDirectory.appendingPathComponent("outputs", isDirectory: true)
        let url = outputs.appendingPathComponent(Manifest.fileName)
        guard let data = try? Data(contentsOf: url), let existing = try? JSONValue.parse(data) else { return }
        do {
            let panels = try await openLedger().panels()
            let manifest = Manifest(projectID: existing["project_id"]?.stringValue ?? "", runID: existing["run_id"]?.stringValue ?? "",
                                    servers: (existing["servers"]?.arrayValue ?? []).compactMap(\.stringValue), panels: panels)
            try manifest.write(toOutputs: outputs)
        } catch let error as LedgerError {
            throw .failed("cannot rewrite the manifest: \(error.description)")
        } catch {
            throw .failed("cannot rewrite the manifest: \(error)")
        }
    }
}

import Foundation

/// Writes what the ledger holds to `outputs/manifest.json` and `project.json`.
///
/// The ledger is the record (committed before each step); the manifest and the project file are views
/// of it, rebuilt whole. So a finished panel never waits for them: it calls `noteChange()`, and a writer
/// in the background rewrites both at most once per `minimumInterval`, catching every change made
/// meanwhile. (Rewriting after every panel made a run quadratic in its panel count: 2,000 tiny panels did
/// not finish in five minutes.) `write()` writes now and returns once a write that began after the call
/// is on disk; the renderer calls it before dispatching and after the last panel, so a run always ends
/// with a manifest listing every panel, and a crash in between loses nothing the next run does not rebuild.
actor RunRecorder {
    let ledger: Ledger
    let projectDirectory: URL
    let outputsDirectory: URL
    let projectID: String
    let runID: String
    let servers: [String]
    /// Every panel id of the project: `done` needs each of them completed, not only those rendered so far.
    let projectPanelIDs: [String]
    /// The least time between two background writes; it grows to ten times the last write's duration, so
    /// writing never takes more than about a tenth of the run however many panels the manifest lists.
    let minimumInterval: Duration
    private var backedUp = false
    private var writing = false
    private var waiting: [CheckedContinuation<RenderError?, Never>] = []
    private var dirty = false
    private var scheduled: Task<Void, Never>?
    private var lastWrite: ContinuousClock.Instant?
    private var lastDuration: Duration = .zero
    /// The last background write's failure, if it has not been followed by a successful write.
    private(set) var backgroundFailure: RenderError?
    /// How many writes have finished (successful or not).
    private(set) var writeCount = 0
    /// CPU seconds the writes took (the writing thread's own CPU time; wall time for a write that
    /// resumed on another thread), for the share of a run's CPU the manifest and project file cost.
    private(set) var cpuSeconds = 0.0

    /// The project whose hand-off keys `project.json` gets (nil: `--no-handoff`).
    let handoffProject: Project?

    init(ledger: Ledger, project: Project, runID: String, servers: [String], minimumInterval: Duration = .milliseconds(250),
         handoff: Bool = false) {
        self.handoffProject = handoff ? project : nil
        self.minimumInterval = minimumInterval
        self.ledger = ledger
        self.projectDirectory = project.directory
        self.outputsDirectory = project.outputsDirectory
        self.projectID = project.id
        self.runID = runID
        self.servers = servers
        self.projectPanelIDs = project.panels.map(\.id)
    }

    /// Notes that the ledger changed; the files follow within `minimumInterval`, without the caller waiting.
    func noteChange() {
        dirty = true
        guard scheduled == nil else { return }
        let interval = max(minimumInterval, lastDuration * 10)
        let wait = lastWrite.map { interval - (ContinuousClock.now - $0) } ?? .zero
        scheduled = Task {
            if wait > .zero { try? await Task.sleep(for: wait) }
            await self.writeBehind()
        }
    }

    /// Waits until no background write is scheduled or running.
    func idle() async {
        while let pending = scheduled { await pending.value; if scheduled == pending { scheduled = nil } }
    }

    private func writeBehind() async {
        scheduled = nil
        guard dirty else { return }
        do { try await write() } catch { backgroundFailure = error }
    }

    /// Rewrites the manifest and the project file from the ledger (each atomically), returning once a
    /// write that began after this call has finished.
    func write() async throws(RenderError) {
        if writing {
            if let failure = await withCheckedContinuation({ waiting.append($0) }) { throw failure }
            return
        }
        writing = true
        let mine = await writeCatching()
        while !waiting.isEmpty {
            let batch = waiting
            waiting = []
            let outcome = await writeCatching()
            for waiter in batch { waiter.resume(returning: outcome) }
        }
        writing = false
        if let mine { throw mine }
    }

    private func writeCatching() async -> RenderError? {
        dirty = false
        // This write covers every change so far: a scheduled background write has nothing left to do.
        scheduled?.cancel()
        scheduled = nil
        defer { writeCount += 1 }
        let started = ContinuousClock.now
        let thread = pthread_self(), threadCPU = Self.threadCPUSeconds()
        defer {
            let wall = (ContinuousClock.now - started).components
            cpuSeconds += pthread_equal(thread, pthread_self()) != 0 ? Self.threadCPUSeconds() - threadCPU
                : Double(wall.seconds) + Double(wall.attoseconds) / 1e18
        }
        do { try await writeOnce() } catch {
            dirty = true
            return error
        }
        let finished = ContinuousClock.now
        lastWrite = finished
        lastDuration = finished - started
        backgroundFailure = nil
        return nil
    }

    /// CPU time of the calling thread in seconds.
    private static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    private func writeOnce() async throws(RenderError) {
        let panels: [PanelRecord]
        // Read beside the ledger's actor, not in it: a manifest of thousands of panels takes a while to read,
        // and holding the actor for it stalled every panel's commit (the farm's idle servers).
        do { panels = try ledger.panelsConcurrently() } catch { throw .ledger(error) }
        do {
            try Manifest(projectID: projectID, runID: runID, servers: servers, panels: panels).write(toOutputs: outputsDirectory)
        } catch {
            throw .output(error)
        }
        let completed = panels.filter { $0.state == .completed }
        let status: ProjectUpdate.Status
        if !panels.isEmpty && completed.count == panels.count && Set(projectPanelIDs).isSubset(of: completed.map(\.panelID)) {
            status = .done
        } else if completed.isEmpty && panels.contains(where: { $0.state == .failed }) && !panels.contains(where: { $0.state == .planned || $0.state == .submitted }) {
            status = .failed
        } else {
            status = .partial
        }
        let entries = panels.compactMap { panel -> ProjectUpdate.RenderedPanel? in
            if panel.clip != nil { return nil }
            if panel.state == .completed, let first = panel.files.first {
                return .init(panelID: panel.panelID, path: first.path, seed: panel.seed, promptID: panel.promptID ?? "", version: panel.version)
            }
            guard let previous = panel.history.last(where: { $0.state == .completed }), let first = previous.files.first else { return nil }
            return .init(panelID: panel.panelID, path: first.path, seed: previous.seed, promptID: previous.promptID ?? "", version: previous.version)
        }
        do {
            var update = ProjectUpdate(panels: entries, status: status)
            update.clips = ProjectUpdate.renderedClips(panels)
            update.handoff = handoffProject.map { HandOffUpdate(project: $0, records: panels) }
            try update.write(toProjectIn: projectDirectory, backup: !backedUp)
            backedUp = true
        } catch {
            throw .project(error)
        }
    }
}

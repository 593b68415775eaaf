import Foundation

/// Writes what the ledger holds to `outputs/manifest.json` and `project.json`, one write at a time.
///
/// Requests that arrive while a write runs are coalesced: they wait for one more write that starts
/// after them, so every caller still returns only once a manifest containing its change is on disk,
/// but a fast run no longer rewrites the whole manifest once per panel (quadratic in the panel count).
actor RunRecorder {
    let ledger: Ledger
    let projectDirectory: URL
    let outputsDirectory: URL
    let projectID: String
    let runID: String
    let servers: [String]
    /// Every panel id of the project: `done` needs each of them completed, not only those rendered so far.
    let projectPanelIDs: [String]
    private var backedUp = false
    private var writing = false
    private var waiting: [CheckedContinuation<RenderError?, Never>] = []

    init(ledger: Ledger, project: Project, runID: String, servers: [String]) {
        self.ledger = ledger
        self.projectDirectory = project.directory
        self.outputsDirectory = project.outputsDirectory
        self.projectID = project.id
        self.runID = runID
        self.servers = servers
        self.projectPanelIDs = project.panels.map(\.id)
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
        do { try await writeOnce() } catch { return error }
        return nil
    }

    private func writeOnce() async throws(RenderError) {
        let panels: [PanelRecord]
        do { panels = try await ledger.panels() } catch { throw .ledger(error) }
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
            if panel.state == .completed, let first = panel.files.first {
                return .init(panelID: panel.panelID, path: first.path, seed: panel.seed, promptID: panel.promptID ?? "", version: panel.version)
            }
            guard let previous = panel.history.last(where: { $0.state == .completed }), let first = previous.files.first else { return nil }
            return .init(panelID: panel.panelID, path: first.path, seed: previous.seed, promptID: previous.promptID ?? "", version: previous.version)
        }
        do {
            try ProjectUpdate(panels: entries, status: status).write(toProjectIn: projectDirectory, backup: !backedUp)
            backedUp = true
        } catch {
            throw .project(error)
        }
    }
}

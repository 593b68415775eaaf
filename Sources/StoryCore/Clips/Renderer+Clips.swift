import ComfyWorkflow
import Foundation

extension Renderer {
    /// Checks the clip workflow before anything else happens (no ledger, no server): a graph whose
    /// frame count or still cannot be found fails the run here with one line. A graph that needs the
    /// server's catalogue to load (a UI export) is checked once the catalogue is known.
    static func precheckClips(_ clips: ClipOptions?) throws(RenderError) {
        guard let clips, let template = try? WorkflowSourceLoader.load(clips.workflow, catalog: nil) else { return }
        do { _ = try ClipGraph(analyzing: template, lengthInput: clips.lengthInput) } catch {
            throw .invalidOptions("\(Self.clipWorkflowName(clips.workflow)): \(error.description)")
        }
    }

    /// The clip jobs of the run and their versions (see `RenderPlan.clipJobs`), analysed against `catalog`.
    func planClips(selection: PanelSelection, catalog: NodeCatalog?, ledger: Ledger) async throws(RenderError)
        -> (jobs: [RenderJob], versions: [String: PlannedVersion]) {
        guard let clips = options.clips else { return ([], [:]) }
        let template = try WorkflowSourceLoader.load(clips.workflow, catalog: catalog)
        let graph: ClipGraph
        do { graph = try ClipGraph(analyzing: template, catalog: catalog, lengthInput: clips.lengthInput) } catch {
            throw .invalidOptions("\(Self.clipWorkflowName(clips.workflow)): \(error.description)")
        }
        var versions: [String: PlannedVersion] = [:]
        for shot in project.shots where project.panels.contains(where: { $0.shotID == shot.id }) {
            let existing: PanelRecord?
            do { existing = try await ledger.panel(shot.id) } catch { throw .ledger(error) }
            let current = existing?.clip == nil ? nil : existing
            guard let requested = clips.redo[shot.id] else {
                versions[shot.id] = PlannedVersion(version: current?.version ?? 1, override: current?.override, note: nil, redo: false)
                continue
            }
            let override = requested.isEmpty ? nil : requested
            let (prompt, seed) = (override?.prompt, override?.seed)
            if let current, current.state == .completed {
                let next = current.version + 1
                versions[shot.id] = PlannedVersion(
                    version: next, override: override,
                    note: .redoNewVersion(version: next, kept: current.version,
                                          keptFolder: PanelVersion.folder(panelID: shot.id, version: current.version), prompt: prompt, seed: seed),
                    redo: true)
            } else if let current, current.version > 1 || !current.history.isEmpty {
                versions[shot.id] = PlannedVersion(version: current.version, override: override,
                                                   note: .redoResumed(version: current.version, prompt: prompt, seed: seed), redo: true)
            } else {
                versions[shot.id] = PlannedVersion(version: 1, override: override, note: .redoFirstRender(prompt: prompt, seed: seed), redo: true)
            }
        }
        let jobs = try RenderPlan.clipJobs(project: project, template: template, clipGraph: graph, clips: clips, options: options,
                                           selectedPanels: Set(selection.panels.map(\.id)), versions: versions)
        return (jobs, versions.filter { id, _ in jobs.contains { $0.panelID == id } })
    }

    /// Makes each clip wait for its key panel when that panel renders in this run; a clip whose key
    /// panel neither renders now nor is completed in the ledger fails at once (kind `key_panel`).
    func orderClips(_ work: [WorkItem], ledger: Ledger) async throws(RenderError) -> [WorkItem] {
        let rendering = Set(work.filter { $0.job.clip == nil }.map(\.job.panelID))
        var out: [WorkItem] = []
        for var item in work {
            guard let clip = item.job.clip else {
                out.append(item)
                continue
            }
            if rendering.contains(clip.keyPanelID) {
                item.waitsFor = clip.keyPanelID
                out.append(item)
                continue
            }
            let key: PanelRecord?
            do { key = try await ledger.panel(clip.keyPanelID) } catch { throw .ledger(error) }
            if key?.state == .completed {
                out.append(item)
                continue
            }
            let failure = RenderFailure(kind: .keyPanel, message: "key panel \(clip.keyPanelID) of \(clip.shotID) has no completed image",
                                        suggestion: "render the key panel (or choose another with --clip-panel), then run again")
            do { try await ledger.fail(item.job.panelID, failure: failure) } catch { throw .ledger(error) }
            continuation.yield(.failed(panelID: item.job.panelID, failure: failure))
        }
        return out
    }

    static func clipWorkflowName(_ source: RenderOptions.WorkflowSource) -> String {
        switch source {
        case .file(let url): return "clip workflow \(url.lastPathComponent)"
        case .graph, .bundled: return "clip workflow"
        }
    }
}

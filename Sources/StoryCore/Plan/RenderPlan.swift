import ComfyWorkflow

/// The jobs of a run: one `RenderJob` per panel, injected from the base workflow.
///
/// Build it with `init(project:template:options:)` (which checks everything that does not depend
/// on a server), then call `problems(against:server:)` with each server's catalogue before
/// submitting anything, so a missing model or node fails the run up front with every problem listed.
public struct RenderPlan: Sendable {
    /// The jobs in render order (panels, then the shot clips of `RenderOptions.clips`).
    public internal(set) var jobs: [RenderJob]

    /// Plans the project's panels (or the selected ones) against `template`.
    ///
    /// Throws `RenderError.unknownPanels` for a selection naming panels the project does not
    /// have, and `RenderError.invalidPlan` listing every panel whose values cannot be injected.
    public init(project: Project, template: Workflow, options: RenderOptions) throws(RenderError) {
        try self.init(project: project, template: template, options: options, versions: [:])
    }

    /// Plans as `init(project:template:options:)`, rendering each panel in `versions` as that
    /// version with its override applied (prompt and seed replaced for that version only).
    init(project: Project, template: Workflow, options: RenderOptions, versions: [String: PlannedVersion]) throws(RenderError) {
        var panels = project.panels
        if let given = options.panelSelection {
            let known = Set(panels.map(\.id))
            var selection = Set<String>()
            for id in given {
                let shotPanels = known.contains(id) ? [] : panels.filter { $0.shotID == id }.map(\.id)
                if shotPanels.isEmpty { selection.insert(id) } else { selection.formUnion(shotPanels) }
            }
            let unknown = selection.subtracting(known).sorted()
            guard unknown.isEmpty else { throw .unknownPanels(unknown) }
            panels = panels.filter { selection.contains($0.id) }
        }
        if let batch = options.batchSize, batch < 1 {
            throw .invalidOptions("batch size must be at least 1, not \(batch)")
        }
        let templateBatch = Self.batchSize(of: template)
        var jobs: [RenderJob] = []
        var problems: [PlanProblem] = []
        for original in panels {
            let planned = versions[original.id]
            let panel = planned?.override?.applied(to: original) ?? original
            let batch = options.batchSize ?? templateBatch
            var parameters = WorkflowParameters(
                seed: panel.seed, positivePrompt: panel.prompt, negativePrompt: panel.negativePrompt,
                width: panel.resolution.width, height: panel.resolution.height, batchSize: batch,
                steps: panel.steps, cfg: panel.cfgScale,
                filenamePrefix: "\(options.filenamePrefix)/\(panel.id)",
                overrides: options.overrides)
            parameters.optional = [.cfg, .batchSize]
            if panel.negativePrompt == nil { parameters.optional.insert(.negativePrompt) }
            do {
                var job = try RenderJob(panel: panel, template: template, parameters: parameters, batchSize: batch)
                job.version = planned?.version ?? 1
                job.override = planned?.override
                jobs.append(job)
            } catch {
                problems.append(PlanProblem(panelID: panel.id, server: nil, injection: error))
            }
        }
        guard problems.isEmpty else { throw .invalidPlan(problems) }
        self.jobs = jobs
    }

    /// Every problem the jobs would meet on a server with `catalog`: sizes off the latent node's
    /// step, unknown nodes, models the server does not have, values out of range. Both the
    /// full-batch graph and, when `rules` apply on that server, the low-VRAM graph are checked.
    public func problems(against catalog: NodeCatalog, server: String, rules: LowVRAMRules?) -> [PlanProblem] {
        var problems: [PlanProblem] = []
        let validator = WorkflowValidator(catalog: catalog)
        for job in jobs {
            let variant = RenderJob.Variant(firstImage: 0, imageCount: rules == nil ? job.batchSize : 1, rules: rules)
            do {
                let graph = try job.graph(variant, catalog: catalog)
                problems += validator.validate(graph).map { PlanProblem(panelID: job.panelID, server: server, problem: $0) }
            } catch {
                problems.append(PlanProblem(panelID: job.panelID, server: server, injection: error))
            }
        }
        return problems
    }

    /// The latent `batch_size` of a template (1 when it has none).
    static func batchSize(of template: Workflow) -> Int {
        var probe = WorkflowParameters(batchSize: 1)
        probe.optional = [.batchSize]
        guard let result = try? ParameterInjector().inject(probe, into: template) else { return 1 }
        let values = result.changes.filter { $0.source == .parameter(.batchSize) }.compactMap { $0.oldValue?.intValue }
        return max(1, values.max() ?? 1)
    }
}

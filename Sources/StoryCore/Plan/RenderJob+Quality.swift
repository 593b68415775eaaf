import ComfyWorkflow

extension RenderJob {
    /// The job of a quality redo: the next version of the same panel with `seed` (the first version's
    /// seed + k), the prompt and everything else unchanged. Built as `RenderPlan` builds a version with
    /// a seed override, so a resumed run plans the same job (same fingerprint) from the ledger.
    func qualityRedo(version: Int, seed: UInt64) throws(InjectionError) -> RenderJob {
        let override = PanelOverride(prompt: self.override?.prompt, seed: seed)
        var parameters = self.parameters
        parameters.seed = seed
        var job = try RenderJob(panel: override.applied(to: panel), template: template, parameters: parameters, batchSize: batchSize)
        job.version = version
        job.override = override
        return job
    }
}

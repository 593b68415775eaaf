import ComfyWorkflow

/// Checks a plan once per distinct server catalogue and memory rules: a farm of 100 identical servers
/// validates its 2,000 jobs once, not 100 times (which cost seconds of the run's lead-in).
///
/// The problems found are the same as `RenderPlan.problems(against:server:rules:)` for every server,
/// each naming its own server.
struct PlanCheckCache {
    private struct Key: Hashable {
        let catalog: NodeCatalog
        let rules: LowVRAMRules?
    }

    private var found: [Key: [PlanProblem]] = [:]

    /// Validations actually run (one per distinct catalogue and rules).
    private(set) var checks = 0

    /// The problems of `plan`'s jobs on `server` with `catalog` and `rules`.
    mutating func problems(of plan: RenderPlan, against catalog: NodeCatalog, server: String, rules: LowVRAMRules?) -> [PlanProblem] {
        let key = Key(catalog: catalog, rules: rules)
        let problems: [PlanProblem]
        if let known = found[key] {
            problems = known
        } else {
            checks += 1
            problems = plan.problems(against: catalog, server: server, rules: rules)
            found[key] = problems
        }
        return problems.map { problem in
            var mine = problem
            if mine.server != nil { mine.server = server }
            return mine
        }
    }
}

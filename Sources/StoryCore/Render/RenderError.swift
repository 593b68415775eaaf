import ComfyWorkflow

/// Why a run could not start or had to stop as a whole (a single panel's failure is reported in
/// the manifest and as `RenderEvent.failed`, not thrown).
public enum RenderError: Error, Sendable, CustomStringConvertible {
    /// The project could not be read or written back.
    case project(ProjectError)
    /// The base workflow could not be loaded.
    case workflow(WorkflowLoadError)
    /// Jobs cannot run: every problem found before anything was submitted, with panel, server and node.
    case invalidPlan([PlanProblem])
    /// The panel selection names panels the project does not have.
    case unknownPanels([String])
    /// A panel, shot or redo id names nothing in the project (the message lists valid ids).
    case selection(SelectionError)
    /// The options cannot work.
    case invalidOptions(String)
    /// No server could be reached at the start of the run; the reason per server.
    case noServerAvailable([String: String])
    /// The run ledger failed.
    case ledger(LedgerError)
    /// The manifest or an output folder could not be written.
    case output(OutputError)

    /// One line (for `invalidPlan`, the count and then every problem, separated by "; ").
    public var description: String {
        switch self {
        case .project(let e): return e.description
        case .workflow(let e): return e.description
        case .invalidPlan(let problems):
            let shown = problems.prefix(50).map(\.description).joined(separator: "; ")
            let more = problems.count > 50 ? "; … and \(problems.count - 50) more" : ""
            return "the workflow cannot run, nothing was submitted (\(problems.count) problem\(problems.count == 1 ? "" : "s")): \(shown)\(more)"
        case .unknownPanels(let ids): return "the project has no panel \(ids.joined(separator: ", "))"
        case .selection(let e): return e.description
        case .invalidOptions(let reason): return "invalid render options: \(reason)"
        case .noServerAvailable(let reasons):
            let list = reasons.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; ")
            return "no ComfyUI server is available (\(list))"
        case .ledger(let e): return e.description
        case .output(let e): return e.description
        }
    }
}

import ComfyWorkflow
import Foundation

/// Loads the base workflow of a run from its `RenderOptions.WorkflowSource`.
enum WorkflowSourceLoader {
    /// The template graph; a UI-format export is converted with `catalog`.
    static func load(_ source: RenderOptions.WorkflowSource, catalog: NodeCatalog?) throws(RenderError) -> Workflow {
        switch source {
        case .graph(let workflow):
            return workflow
        case .file(let url):
            do { return try Workflow(contentsOf: url, catalog: catalog) } catch { throw .workflow(error) }
        case .bundled:
            do { return try BundledWorkflow.storycoreSDXL() } catch { throw .workflow(error) }
        }
    }
}

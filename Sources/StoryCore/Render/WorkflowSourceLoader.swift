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
            throw .invalidOptions("this build has no bundled workflow; pass a workflow file (for example workflows/storycore_sdxl.json)")
        }
    }
}

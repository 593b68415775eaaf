import ComfyWorkflow
import Foundation
import StoryCore

/// Which base workflow a render uses: the file given with `--workflow`, else the bundled SDXL graph.
enum WorkflowChoice {
    /// The render options' workflow source for `--workflow PATH` (nil: the bundled default).
    static func source(path: String?) throws -> RenderOptions.WorkflowSource {
        guard let path else { return .graph(try bundled()) }
        let url = URL(fileURLWithPath: path)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw CommandFailure.badInput("\(path): no such workflow file")
        }
        return .file(url)
    }

    /// The bundled SDXL workflow (`workflows/storycore_sdxl.json`, embedded in the binary).
    static func bundled() throws -> Workflow {
        try Workflow(data: Array(EmbeddedResources.defaultWorkflowJSON.utf8), file: "workflows/storycore_sdxl.json (bundled)")
    }
}

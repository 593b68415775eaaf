import ArgumentParser
import StoryCore
import StoryCoreImaging

/// `render`'s quality gate and hand-off options: `--qa`, `--min-sharpness`, `--no-handoff`.
struct QualityCommandOptions: ParsableArguments {
    @Option(name: .customLong("qa"),
            help: ArgumentHelp("Quality gate: off, report (measure every PNG and record its verdict), or redo[:N] (also render a failing panel again as its next version with seed + k, k = 1…N, default N 1).",
                               valueName: "off|report|redo[:N]"))
    var qa = "report"

    @Option(name: .customLong("min-sharpness"),
            help: ArgumentHelp("Sharpness (variance of the Laplacian) under which an image is soft.", valueName: "value"))
    var minSharpness: Double = 50

    @Flag(name: .customLong("no-handoff"),
          help: "Do not write assets/images/panels/panel_NN.ppm/.png, the grid and project.json's panels, panel_to_shot_map and grid.")
    var noHandoff = false

    func validate() throws {
        guard QualityPolicy(parsing: qa) != nil else {
            throw ValidationError("--qa must be off, report, redo or redo:N with N from 1 to 20, not \"\(qa)\"")
        }
        guard minSharpness.isFinite, minSharpness >= 0 else { throw ValidationError("--min-sharpness must be a number of at least 0") }
    }

    /// Sets the quality policy, the sharpness threshold and the hand-off on `options`.
    func apply(to options: inout RenderOptions) {
        options.quality = QualityPolicy(parsing: qa) ?? .report
        options.qualityThresholds.minSharpness = minSharpness
        options.handoff = !noHandoff
    }
}

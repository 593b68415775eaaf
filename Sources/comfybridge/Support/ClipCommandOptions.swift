import ArgumentParser
import ComfyWorkflow
import Foundation
import StoryCore

/// The `render` options that turn each shot's key panel into a clip of the shot's length.
struct ClipCommandOptions: ParsableArguments {
    @Option(name: .customLong("clip-workflow"),
            help: ArgumentHelp("After each shot's key panel is completed, render a clip of the shot's duration_seconds from it with this image-to-video workflow (API JSON file, or wan / ltx for the bundled Wan 2.2 / LTX-Video graphs); clips go to outputs/<shot_id>/.", valueName: "file"))
    var clipWorkflow: String?

    @Option(name: .customLong("clip-panel"),
            help: ArgumentHelp("With --clip-workflow: use this panel as its shot's key panel instead of the shot's first panel; repeatable.", valueName: "id"))
    var clipPanels: [String] = []

    @Option(name: .customLong("clip-length-input"),
            help: ArgumentHelp("With --clip-workflow: the frame-count input, when the graph analysis finds none (for example 12.length).", valueName: "node.input"))
    var clipLengthInput: String?

    @Flag(name: .customLong("clip"), help: "With --redo SHOT: render the shot's clip again as a new version (its panels are kept); --prompt and --seed apply to that clip version.")
    var clip = false

    func validate() throws {
        if clipWorkflow == nil {
            if !clipPanels.isEmpty { throw ValidationError("--clip-panel needs --clip-workflow") }
            if clipLengthInput != nil { throw ValidationError("--clip-length-input needs --clip-workflow") }
            if clip { throw ValidationError("--clip needs --clip-workflow (and --redo SHOT)") }
        }
        if let clipLengthInput, NodeInputReference(parsing: clipLengthInput) == nil {
            throw ValidationError("--clip-length-input \(clipLengthInput): expected NODE.INPUT, for example 12.length")
        }
    }

    /// Puts the clip options into `options`; with `--clip`, the `--redo` ids redo clips instead of panels.
    func apply(to options: inout RenderOptions, redo: [String]) throws {
        guard let clipWorkflow else { return }
        if clip, redo.isEmpty { throw CommandFailure.badInput("--clip redoes the clips of the shots named with --redo SHOT") }
        var clips = ClipOptions(workflow: try Self.source(clipWorkflow), keyPanels: clipPanels,
                                lengthInput: clipLengthInput.flatMap(NodeInputReference.init(parsing:)))
        if clip {
            for id in redo {
                clips.redo[id] = options.redo[id] ?? PanelOverride()
                options.redo[id] = nil
            }
        }
        options.clips = clips
    }

    /// A workflow file, or a bundled clip graph by name (`wan`, `ltx`) when no such file exists.
    static func source(_ value: String) throws -> RenderOptions.WorkflowSource {
        let url = URL(fileURLWithPath: value)
        if FileManager.default.fileExists(atPath: url.path) { return .file(url) }
        if let bundled = BundledClipWorkflow(rawValue: value) { return .graph(try bundled.workflow()) }
        throw CommandFailure.badInput("\(value): no such clip workflow file (or use wan or ltx for a bundled one)")
    }
}

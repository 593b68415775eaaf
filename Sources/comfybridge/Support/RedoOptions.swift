import ArgumentParser
import Foundation
import StoryCore

/// The `render` options that choose panels by shot and render panels again as a new version.
struct RedoOptions: ParsableArguments {
    @Option(name: .customLong("shot"), help: ArgumentHelp("Render only the panels mapped to this shot id; repeatable.", valueName: "id"))
    var shots: [String] = []

    @Option(name: .customLong("redo"), parsing: .upToNextOption,
            help: ArgumentHelp("Render these panels (or every panel of these shots) again as a new version even though they are completed; earlier versions' files are kept.", valueName: "id"))
    var redo: [String] = []

    @Option(name: .customLong("prompt"), help: ArgumentHelp("With --redo: the positive prompt of the new version (this version only).", valueName: "text"))
    var prompt: String?

    @Option(name: .customLong("seed"), help: ArgumentHelp("With --redo: the seed of the new version (this version only).", valueName: "n"))
    var seed: UInt64?

    func validate() throws {
        if redo.isEmpty, prompt != nil || seed != nil {
            throw ValidationError("--prompt and --seed apply to a redo: name the panel with --redo <id>")
        }
        if let prompt, prompt.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            throw ValidationError("--prompt must not be empty")
        }
    }

    /// Puts the shot selection and the redo requests into `options`.
    func apply(to options: inout RenderOptions) {
        options.shotSelection = Set(shots)
        let override = PanelOverride(prompt: prompt, seed: seed)
        for id in redo { options.redo[id] = override }
    }

    /// The lines for a person about the redone panels (none without --redo).
    static func summaryLines(_ summary: RenderSummary) -> [String] {
        summary.redone.sorted { $0.key < $1.key }.map { panelID, version in
            let asset = PanelVersion.assetID(panelID: panelID, version: version)
            if version == 1 {
                return "Redo: \(panelID) had never rendered, so it was rendered as version 1 (\(asset))."
            }
            return "Redo: \(panelID) → version \(version) (\(asset)) in \(PanelVersion.folder(panelID: panelID, version: version))/; earlier versions are kept."
        }
    }
}

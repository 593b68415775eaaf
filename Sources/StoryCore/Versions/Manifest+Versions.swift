import ComfyWorkflow
import Foundation

extension Manifest {
    /// The version keys of a panel's manifest entry: `version`, `asset_id`, `overrides` (null
    /// when none) and `versions`, every version oldest first with its status, prompt, seed,
    /// override, prompt id, files and finish time; the newest is the entry itself.
    ///
    /// When a completed version's files have exactly the checksums of the version before it (a
    /// redo with the same prompt, seed and graph: ComfyUI answers it from its cache with the same
    /// images), its notes say so.
    static func versionFields(_ panel: PanelRecord) -> [(String, JSONValue)] {
        var notes = panel.notes
        if let note = sameImagesNote(panel) { notes.append(note) }
        let current = PanelVersion(
            version: panel.version, prompt: panel.prompt, negativePrompt: panel.negativePrompt, seed: panel.seed,
            override: panel.override, state: panel.state, promptID: panel.promptID, server: panel.server,
            files: panel.files, notes: notes, finishedAt: panel.finishedAt)
        return [
            ("notes", .array(notes.map { .string($0.text) })),
            ("note_codes", .array(notes.map { .string($0.code.rawValue) })),
            ("version", .int(panel.version)),
            ("asset_id", .string(panel.assetID)),
            ("overrides", panel.override?.json ?? .null),
            ("versions", .array((panel.history + [current]).map { versionJSON($0, panelID: panel.panelID) })),
        ]
    }

    /// The note for a completed version whose images are byte-identical to the previous version's.
    static func sameImagesNote(_ panel: PanelRecord) -> PanelNote? {
        guard panel.state == .completed, !panel.files.isEmpty,
              let previous = panel.history.last(where: { $0.state == .completed && !$0.files.isEmpty }),
              Set(previous.files.map(\.sha256)) == Set(panel.files.map(\.sha256)) else { return nil }
        return .sameImagesAs(version: previous.version)
    }

    static func versionJSON(_ version: PanelVersion, panelID: String) -> JSONValue {
        .object([
            "version": .int(version.version),
            "asset_id": .string(PanelVersion.assetID(panelID: panelID, version: version.version)),
            "status": .string(statusText(version.state)),
            "prompt": .string(version.prompt),
            "negative_prompt": version.negativePrompt.map(JSONValue.string) ?? .null,
            "seed": .uint64(version.seed),
            "overrides": version.override?.json ?? .null,
            "prompt_id": version.promptID.map(JSONValue.string) ?? .null,
            "server": version.server.map(JSONValue.string) ?? .null,
            "files": .array(version.files.map(\.json)),
            "notes": .array(version.notes.map { .string($0.text) }),
            "note_codes": .array(version.notes.map { .string($0.code.rawValue) }),
            "finished": version.finishedAt.map { .string(Timestamp.precise($0)) } ?? .null,
        ])
    }
}

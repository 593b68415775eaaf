import ComfyWorkflow
import Foundation

/// One superseded version of a panel, archived in the ledger when a newer version was requested.
///
/// Its files stay on disk where they were written (`outputs/<panel_id>/` for version 1,
/// `outputs/<panel_id>/v<N>/` after); nothing of an archived version is ever overwritten.
public struct PanelVersion: Sendable, Hashable {
    /// The version number, from 1.
    public var version: Int
    /// The positive prompt it was rendered with.
    public var prompt: String
    /// The negative prompt it was rendered with.
    public var negativePrompt: String?
    /// The seed of its first image.
    public var seed: UInt64
    /// The prompt or seed override it was requested with, if any.
    public var override: PanelOverride?
    /// Whether it completed (an archived version that never completed has no files).
    public var state: PanelState
    /// The prompt id of its last prompt.
    public var promptID: String?
    /// The server of its last prompt.
    public var server: String?
    /// Its images.
    public var files: [StoredFile]
    /// Its notes.
    public var notes: [PanelNote]
    /// When it finished.
    public var finishedAt: Date?

    /// Creates a record.
    public init(version: Int, prompt: String, negativePrompt: String?, seed: UInt64, override: PanelOverride?, state: PanelState,
                promptID: String?, server: String?, files: [StoredFile], notes: [PanelNote], finishedAt: Date?) {
        self.version = version
        self.prompt = prompt
        self.negativePrompt = negativePrompt
        self.seed = seed
        self.override = override
        self.state = state
        self.promptID = promptID
        self.server = server
        self.files = files
        self.notes = notes
        self.finishedAt = finishedAt
    }

    /// The contract's asset id of version `version` of a panel: `<panel_id>_comfyui_v<version>`.
    public static func assetID(panelID: String, version: Int) -> String { "\(panelID)_comfyui_v\(version)" }

    /// The project-relative folder of a version's files: `outputs/<panel_id>` for version 1,
    /// `outputs/<panel_id>/v<N>` after.
    public static func folder(panelID: String, version: Int) -> String {
        version <= 1 ? "outputs/\(panelID)" : "outputs/\(panelID)/v\(version)"
    }
}

import ComfyWorkflow
import Foundation

/// What a render run writes back into `project.json`, per the contract.
public struct ProjectUpdate: Sendable, Hashable {
    /// One rendered panel as recorded in `asset_manifest.comfyui_panels`.
    public struct RenderedPanel: Sendable, Hashable {
        /// The panel id.
        public var panelID: String
        /// The first image's path relative to the project.
        public var path: String
        /// The seed used.
        public var seed: UInt64
        /// The prompt id that produced it.
        public var promptID: String
        /// The version of the panel this entry points at (its `asset_id` is `<panel_id>_comfyui_v<version>`).
        public var version: Int

        /// Creates an entry.
        public init(panelID: String, path: String, seed: UInt64, promptID: String, version: Int = 1) {
            self.panelID = panelID
            self.path = path
            self.seed = seed
            self.promptID = promptID
            self.version = version
        }
    }

    /// The overall state written to `generation_status.comfyui`.
    public enum Status: String, Sendable, Hashable {
        /// Every panel rendered.
        case done
        /// Some panels rendered, some not (yet).
        case partial
        /// No panel rendered and at least one failed.
        case failed
    }

    /// Rendered panels in project order.
    public var panels: [RenderedPanel]
    /// The generation status.
    public var status: Status
    /// Rendered shot clips, written to `asset_manifest.comfyui_clips` when not empty (default none: the key is left as it is).
    public var clips: [RenderedClip] = []

    /// The hand-off keys of `asset_manifest` (`panels`, `panel_to_shot_map`, `grid`), when the run hands
    /// images on (default nil: those keys are left as they are).
    public var handoff: HandOffUpdate?

    /// Creates an update.
    public init(panels: [RenderedPanel], status: Status) {
        self.panels = panels
        self.status = status
    }

    /// Applies the update to a `project.json` document: sets `asset_manifest.comfyui_panels`,
    /// `generation_status.comfyui` and `updated_at`; every other key keeps its value and position.
    public func applied(to document: JSONValue, now: Date) -> JSONValue {
        guard case .object(var root) = document else { return document }
        var assets = root["asset_manifest"]?.objectValue ?? JSONObject()
        assets["comfyui_panels"] = .array(panels.map { panel in
            .object([
                "asset_id": .string(PanelVersion.assetID(panelID: panel.panelID, version: panel.version)),
                "panel_id": .string(panel.panelID),
                "path": .string(panel.path),
                "seed": .uint64(panel.seed),
                "prompt_id": .string(panel.promptID),
            ])
        })
        if !clips.isEmpty { assets["comfyui_clips"] = .array(clips.map(\.json)) }
        handoff?.apply(to: &assets)
        root["asset_manifest"] = .object(assets)
        var generation = root["generation_status"]?.objectValue ?? JSONObject()
        generation["comfyui"] = .string(status.rawValue)
        root["generation_status"] = .object(generation)
        root["updated_at"] = .string(Timestamp.string(now))
        return .object(root)
    }

    /// Rewrites `<project>/project.json` with the update, atomically (temporary file, fsync, rename).
    ///
    /// The file is read again first, so edits made by another tool during the run are kept. When
    /// `backup` is true the current file is first copied durably to `project.json.bak`.
    public func write(toProjectIn directory: URL, backup: Bool, now: Date = Date()) throws(ProjectError) {
        let url = directory.appendingPathComponent(Project.projectFileName)
        let current: JSONValue
        do {
            let data = try Data(contentsOf: url)
            current = try JSONValue.parse(data)
        } catch let error as JSONParseError {
            throw .invalidJSON(file: Project.projectFileName, reason: error.description)
        } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        guard case .object = current else {
            throw .invalidField(file: Project.projectFileName, path: "$", expected: "an object", found: current.typeName)
        }
        do {
            if backup {
                try AtomicFile.replace(Array(try Data(contentsOf: url)), to: directory.appendingPathComponent(Project.projectFileName + ".bak"))
            }
            try AtomicFile.replace(applied(to: current, now: now).serialized(.pretty), to: url)
        } catch {
            throw .unwritable(file: url.path, reason: "\(error)")
        }
    }
}

import ComfyWorkflow
import Foundation

/// What a person checks before choosing what to redo: every panel of a project with its shot,
/// prompt, seed, status, current version and files, read from the project and its run ledger.
///
/// Reading contacts no server and never creates a ledger: a project that was never rendered lists
/// every panel as `not_rendered`.
public struct PanelReport: Sendable, Hashable {
    /// One panel of the report.
    public struct Entry: Sendable, Hashable {
        /// The panel id.
        public var panelID: String
        /// Its shot (nil for the master coherence sheet).
        public var shotID: String?
        /// The prompt of its current version (the project's, or the version's override).
        public var prompt: String
        /// The seed of its current version.
        public var seed: UInt64
        /// `not_rendered`, `pending`, `completed` or `failed`.
        public var status: String
        /// The current version (1 before the first render).
        public var version: Int
        /// The prompt or seed override of the current version, if any.
        public var override: PanelOverride?
        /// The files of the current version (empty unless completed).
        public var files: [StoredFile]
        /// True when every file of the current version is on disk with its recorded size.
        public var filesPresent: Bool
        /// Earlier versions, oldest first.
        public var history: [PanelVersion]
        /// Why the current version failed, when it did.
        public var failure: RenderFailure?
        /// For a shot clip (its `panelID` is the shot id): key panel, frames and frame rate; nil for a panel.
        public var clip: ClipRecord?

        /// The contract's asset id of the current version.
        public var assetID: String { PanelVersion.assetID(panelID: panelID, version: version) }
    }

    /// The project id.
    public var projectID: String
    /// The panels in project order, then any panel the ledger knows that the project no longer has.
    public var entries: [Entry]
    /// The shot clips the ledger knows, in shot order (empty when no run made clips).
    public var clips: [Entry] = []

    /// Reads the report of `project` (its ledger under `outputs/.comfybridge/`, when there is one).
    public static func load(_ project: Project) async throws(LedgerError) -> PanelReport {
        let ledgerPath = project.outputsDirectory.appendingPathComponent(".comfybridge/\(Ledger.fileName)").path
        var records: [String: PanelRecord] = [:]
        var order: [String] = []
        var clipRecords: [PanelRecord] = []
        if FileManager.default.fileExists(atPath: ledgerPath) {
            let ledger = try Ledger(path: ledgerPath)
            for record in try await ledger.panels() {
                if record.clip != nil {
                    clipRecords.append(record)
                    continue
                }
                records[record.panelID] = record
                order.append(record.panelID)
            }
        }
        var entries: [Entry] = []
        for panel in project.panels {
            if let record = records.removeValue(forKey: panel.id) {
                entries.append(entry(record, project: project))
            } else {
                entries.append(Entry(panelID: panel.id, shotID: panel.shotID, prompt: panel.prompt, seed: panel.seed,
                                     status: "not_rendered", version: 1, override: nil, files: [], filesPresent: true,
                                     history: [], failure: nil))
            }
        }
        for id in order { if let record = records[id] { entries.append(entry(record, project: project)) } }
        var report = PanelReport(projectID: project.id, entries: entries)
        let shotOrder = project.shots.map(\.id)
        report.clips = clipRecords.sorted { (shotOrder.firstIndex(of: $0.panelID) ?? .max) < (shotOrder.firstIndex(of: $1.panelID) ?? .max) }
            .map { entry($0, project: project) }
        return report
    }

    static func entry(_ record: PanelRecord, project: Project) -> Entry {
        let status: String
        switch record.state {
        case .completed: status = "completed"
        case .failed: status = "failed"
        case .planned, .submitted: status = "pending"
        }
        let present = record.files.allSatisfy { file in
            let attributes = try? FileManager.default.attributesOfItem(atPath: project.directory.appendingPathComponent(file.path).path)
            return (attributes?[.size] as? NSNumber)?.int64Value == file.bytes
        }
        return Entry(panelID: record.panelID, shotID: record.shotID, prompt: record.prompt, seed: record.seed, status: status,
                     version: record.version, override: record.override, files: record.files, filesPresent: present,
                     history: record.history, failure: record.failure, clip: record.clip)
    }

    /// The report as JSON: `project_id` and `panels`, each with `panel_id`, `shot_id`, `prompt`,
    /// `seed` (exact), `status`, `version`, `asset_id`, `overrides`, `files`, `files_present`,
    /// `previous_versions` (version, status, seed, prompt, files) and `error`.
    public var json: JSONValue {
        .object([
            "project_id": .string(projectID),
            "panels": .array(entries.map { entry in
                .object([
                    "panel_id": .string(entry.panelID),
                    "shot_id": entry.shotID.map(JSONValue.string) ?? .null,
                    "prompt": .string(entry.prompt),
                    "seed": .uint64(entry.seed),
                    "status": .string(entry.status),
                    "version": .int(entry.version),
                    "asset_id": .string(entry.assetID),
                    "overrides": entry.override?.json ?? .null,
                    "files": .array(entry.files.map(\.json)),
                    "files_present": .bool(entry.filesPresent),
                    "previous_versions": .array(entry.history.map { version in
                        .object([
                            "version": .int(version.version), "status": .string(Manifest.statusText(version.state)),
                            "seed": .uint64(version.seed), "prompt": .string(version.prompt),
                            "files": .array(version.files.map(\.json)),
                        ])
                    }),
                    "error": entry.failure?.json ?? .null,
                ])
            }),
            "clips": .array(clips.map { entry in
                .object([
                    "shot_id": .string(entry.panelID),
                    "key_panel_id": entry.clip.map { .string($0.keyPanelID) } ?? .null,
                    "frames": entry.clip.map { .int($0.frames) } ?? .null,
                    "frame_rate": entry.clip.map { .double($0.frameRate) } ?? .null,
                    "seed": .uint64(entry.seed),
                    "status": .string(entry.status),
                    "version": .int(entry.version),
                    "files": .array(entry.files.map(\.json)),
                    "files_present": .bool(entry.filesPresent),
                    "previous_versions": .array(entry.history.map { version in
                        .object(["version": .int(version.version), "status": .string(Manifest.statusText(version.state)),
                                 "files": .array(version.files.map(\.json))])
                    }),
                    "error": entry.failure?.json ?? .null,
                ])
            }),
        ])
    }
}

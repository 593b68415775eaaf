import ComfyWorkflow
import Foundation
import GRDB
import StoryCoreImaging

/// The ledger's record of panel versions: the current version and override on each panel row,
/// and the `panel_version` table archiving every superseded version with its files.
extension LedgerSchema {
    /// Adds versions to a ledger created before they existed (its panels become version 1).
    static func registerVersionMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2-panel-versions") { db in
            try db.execute(sql: """
                ALTER TABLE panel ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
                ALTER TABLE panel ADD COLUMN override TEXT;
                CREATE TABLE panel_version (
                    panel_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    prompt TEXT NOT NULL,
                    negative_prompt TEXT,
                    seed TEXT NOT NULL,
                    override TEXT,
                    state TEXT NOT NULL,
                    prompt_id TEXT,
                    server TEXT,
                    files TEXT NOT NULL DEFAULT '[]',
                    notes TEXT NOT NULL DEFAULT '[]',
                    finished_at REAL,
                    PRIMARY KEY (panel_id, version));
                """)
        }
    }

    /// Sets the version, override and notes of a freshly inserted panel row.
    static func writeVersion(of panel: PanelRecord, _ db: Database) throws {
        try db.execute(sql: "UPDATE panel SET version = ?, override = ?, notes = ? WHERE panel_id = ?",
                       arguments: [panel.version, panel.override.map { $0.json.serializedString() }, encode(panel.notes), panel.panelID])
    }

    /// Reads the version columns of a panel row and the panel's archived versions into `record`.
    static func readVersion(into record: inout PanelRecord, row: Row, _ db: Database) throws {
        record.version = (row["version"] as Int?) ?? 1
        record.override = decodeOverride(row["override"])
        record.history = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM panel_version WHERE panel_id = ? ORDER BY version"),
                                          arguments: [record.panelID]).map { row in
            PanelVersion(
                version: row["version"], prompt: row["prompt"], negativePrompt: row["negative_prompt"],
                seed: UInt64(row["seed"] as String) ?? 0, override: decodeOverride(row["override"]),
                state: PanelState(rawValue: row["state"]) ?? .failed, promptID: row["prompt_id"], server: row["server"],
                files: decodeFiles(row["files"]), notes: decodeNotes(row["notes"]),
                finishedAt: (row["finished_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
        }
    }

    /// Archives the current version of `panel` (its files, prompt id, notes) in `panel_version`.
    static func archive(_ panel: PanelRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT OR REPLACE INTO panel_version (panel_id, version, prompt, negative_prompt, seed, override, state, prompt_id,
                                                  server, files, notes, finished_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [panel.panelID, panel.version, panel.prompt, panel.negativePrompt, String(panel.seed),
                             panel.override.map { $0.json.serializedString() }, panel.state.rawValue, panel.promptID, panel.server,
                             encode(panel.files), encode(panel.notes), panel.finishedAt?.timeIntervalSince1970])
    }

    static func decodeOverride(_ text: String?) -> PanelOverride? {
        guard let text else { return nil }
        return PanelOverride(json: try? JSONValue.parse(text))
    }

    static func encode(_ files: [StoredFile]) -> String {
        JSONValue.array(files.map { file in
            var object: JSONObject = ["path": .string(file.path), "node_id": .string(file.nodeID),
                                      "bytes": .number(JSONNumber(Int(file.bytes))), "sha256": .string(file.sha256)]
            for (key, value) in mediaFields(file) { object[key] = value }
            if let quality = file.quality { object["quality"] = quality.json }
            return .object(object)
        }).serializedString()
    }

    static func decodeFiles(_ text: String?) -> [StoredFile] {
        guard let text, let items = (try? JSONValue.parse(text))?.arrayValue else { return [] }
        return items.compactMap { item in
            guard let path = item["path"]?.stringValue, let node = item["node_id"]?.stringValue,
                  let bytes = item["bytes"]?.numberValue?.int64, let sha = item["sha256"]?.stringValue else { return nil }
            return StoredFile(path: path, nodeID: node, bytes: bytes, sha256: sha, mediaType: item["media_type"]?.stringValue,
                              animated: item["animated"]?.boolValue ?? false, frameRate: item["frame_rate"]?.doubleValue,
                              quality: QualityReport(json: item["quality"]))
        }
    }
}

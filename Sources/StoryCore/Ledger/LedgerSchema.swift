import ComfyWorkflow
import Foundation
import GRDB

/// The ledger's tables and the mapping between rows and records.
enum LedgerSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    run_id TEXT NOT NULL,
                    project_id TEXT NOT NULL,
                    created_at REAL NOT NULL);
                CREATE TABLE panel (
                    panel_id TEXT PRIMARY KEY,
                    position INTEGER NOT NULL,
                    shot_id TEXT,
                    fingerprint TEXT NOT NULL,
                    prompt TEXT NOT NULL,
                    negative_prompt TEXT,
                    seed TEXT NOT NULL,
                    width INTEGER NOT NULL,
                    height INTEGER NOT NULL,
                    batch_size INTEGER NOT NULL,
                    state TEXT NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0,
                    prompt_id TEXT,
                    server TEXT,
                    notes TEXT NOT NULL DEFAULT '[]',
                    failure TEXT,
                    queued_at REAL, started_at REAL, finished_at REAL, downloaded_at REAL);
                CREATE TABLE prompt (
                    prompt_id TEXT PRIMARY KEY,
                    panel_id TEXT NOT NULL REFERENCES panel(panel_id) ON DELETE CASCADE,
                    attempt INTEGER NOT NULL,
                    part INTEGER NOT NULL,
                    first_image INTEGER NOT NULL,
                    image_count INTEGER NOT NULL,
                    server TEXT NOT NULL,
                    state TEXT NOT NULL,
                    created_at REAL NOT NULL);
                CREATE INDEX prompt_panel ON prompt(panel_id);
                CREATE TABLE file (
                    panel_id TEXT NOT NULL REFERENCES panel(panel_id) ON DELETE CASCADE,
                    path TEXT NOT NULL,
                    node_id TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    prompt_id TEXT,
                    PRIMARY KEY (panel_id, path));
                """)
        }
        registerVersionMigration(&migrator)
        registerPendingFileMigration(&migrator)
        registerReviewMigration(&migrator)
        registerMediaMigration(&migrator)
        registerClipMigration(&migrator)
        registerQualityMigration(&migrator)
        return migrator
    }

    static func insert(_ panel: PanelRecord, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO panel (panel_id, position, shot_id, fingerprint, prompt, negative_prompt, seed, width, height,
                               batch_size, state, attempts, notes)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '[]')
            """, arguments: [panel.panelID, panel.position, panel.shotID, panel.fingerprint, panel.prompt, panel.negativePrompt,
                             String(panel.seed), panel.width, panel.height, panel.batchSize, PanelState.planned.rawValue])
        try writeVersion(of: panel, db)
        try writeClip(of: panel, db)
    }

    static func panel(_ panelID: String, _ db: Database) throws -> PanelRecord? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM panel WHERE panel_id = ?"), arguments: [panelID]) else { return nil }
        var record = PanelRecord(
            panelID: row["panel_id"], position: row["position"], shotID: row["shot_id"], fingerprint: row["fingerprint"],
            prompt: row["prompt"], negativePrompt: row["negative_prompt"], seed: UInt64(row["seed"] as String) ?? 0,
            width: row["width"], height: row["height"], batchSize: row["batch_size"])
        record.state = PanelState(rawValue: row["state"]) ?? .planned
        record.attempts = row["attempts"]
        record.promptID = row["prompt_id"]
        record.server = row["server"]
        record.notes = decodeNotes(row["notes"])
        record.failure = decodeFailure(row["failure"])
        record.queuedAt = date(row["queued_at"])
        record.startedAt = date(row["started_at"])
        record.finishedAt = date(row["finished_at"])
        record.downloadedAt = date(row["downloaded_at"])
        record.files = try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM file WHERE panel_id = ? ORDER BY rowid"), arguments: [panelID]).map(file)
        try readVersion(into: &record, row: row, db)
        readClip(into: &record, row: row)
        record.review = try review(panelID, db)
        return record
    }

    static func prompts(_ panelID: String, _ db: Database) throws -> [PromptRecord] {
        try Row.fetchAll(db.cachedStatement(sql: "SELECT * FROM prompt WHERE panel_id = ? ORDER BY attempt, part"), arguments: [panelID]).map { row in
            var record = PromptRecord(
                promptID: row["prompt_id"], panelID: row["panel_id"], attempt: row["attempt"], part: row["part"],
                firstImage: row["first_image"], imageCount: row["image_count"], server: row["server"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]))
            record.state = PromptState(rawValue: row["state"]) ?? .abandoned
            return record
        }
    }

    static func file(_ row: Row) -> StoredFile {
        let media = media(row)
        return StoredFile(path: row["path"], nodeID: row["node_id"], bytes: row["bytes"], sha256: row["sha256"],
                          mediaType: media.type, animated: media.animated, frameRate: media.frameRate, quality: quality(row))
    }

    private static func date(_ value: Double?) -> Date? { value.map(Date.init(timeIntervalSince1970:)) }

    static func encode(_ notes: [PanelNote]) -> String {
        JSONValue.array(notes.map(\.stored)).serializedString()
    }

    static func decodeNotes(_ text: String?) -> [PanelNote] {
        guard let text, let value = try? JSONValue.parse(text), let items = value.arrayValue else { return [] }
        return items.map(PanelNote.init(stored:))
    }

    static func encode(_ failure: RenderFailure) -> String {
        var object: JSONObject = ["kind": .string(failure.kind.rawValue), "message": .string(failure.message)]
        if let id = failure.nodeID { object["node_id"] = .string(id) }
        if let type = failure.nodeType { object["node_type"] = .string(type) }
        if let suggestion = failure.suggestion { object["suggestion"] = .string(suggestion) }
        return JSONValue.object(object).serializedString()
    }

    static func decodeFailure(_ text: String?) -> RenderFailure? {
        guard let text, let value = try? JSONValue.parse(text) else { return nil }
        return RenderFailure(kind: .init(code: value["kind"]?.stringValue ?? "unknown"), message: value["message"]?.stringValue ?? "",
                             nodeID: value["node_id"]?.stringValue, nodeType: value["node_type"]?.stringValue,
                             suggestion: value["suggestion"]?.stringValue)
    }
}

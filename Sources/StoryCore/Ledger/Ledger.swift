import Foundation
import GRDB

/// The run ledger: an SQLite database (WAL mode) under `outputs/.comfybridge/` that records every
/// state change of a run before the next step acts on it, so a killed process resumes without
/// losing or repeating a panel.
///
/// Every method commits its change in one transaction before returning. Writes use GRDB's
/// synchronous API on purpose: a cancelled render task must still be able to record what happened.
/// Commits are durable against a killed process (the write-ahead log is in the operating system's
/// hands when a commit returns) and are synced to disk at checkpoints (`synchronous = NORMAL`): an
/// operating-system crash may forget the last commits, never corrupt the ledger.
public actor Ledger {
    /// The database file.
    public nonisolated let path: String
    let pool: DatabasePool

    /// The file name of the ledger inside `outputs/.comfybridge/`.
    public static let fileName = "ledger.sqlite"

    /// Opens (creating when needed) the ledger of the project whose outputs folder is `outputsDirectory`.
    public init(outputsDirectory: URL) throws(LedgerError) {
        let folder = outputsDirectory.appendingPathComponent(".comfybridge", isDirectory: true)
        let path = folder.appendingPathComponent(Self.fileName).path
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .cannotOpen(path: path, reason: (error as NSError).localizedDescription)
        }
        try self.init(path: path)
    }

    /// Opens (creating when needed) a ledger database at `path`.
    public init(path: String) throws(LedgerError) {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.label = "comfybridge-ledger"
        // WAL with NORMAL: no fsync per commit (it cost one per ledger step), still atomic and
        // durable when the process is killed; see the type's documentation.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = NORMAL") }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try LedgerSchema.migrator.migrate(pool)
        } catch {
            throw .cannotOpen(path: path, reason: "\(error)")
        }
    }

    // MARK: Runs

    /// The current run id, creating a new run when there is none or when `fresh` is true (which
    /// also forgets every panel, prompt and file of the previous run).
    public func beginRun(projectID: String, fresh: Bool, now: Date = Date()) throws(LedgerError) -> (runID: String, resumed: Bool) {
        try write { db in
            if !fresh, let row = try Row.fetchOne(db, sql: "SELECT run_id, project_id FROM run WHERE id = 1"),
               (row["project_id"] as String) == projectID {
                return (row["run_id"] as String, true)
            }
            try db.execute(sql: "DELETE FROM file")
            try db.execute(sql: "DELETE FROM prompt")
            try db.execute(sql: "DELETE FROM panel")
            try db.execute(sql: "DELETE FROM panel_version")
            try db.execute(sql: "DELETE FROM pending_file")
            try db.execute(sql: "DELETE FROM run")
            let runID = UUID().uuidString.lowercased()
            try db.execute(sql: "INSERT INTO run (id, run_id, project_id, created_at) VALUES (1, ?, ?, ?)",
                           arguments: [runID, projectID, now.timeIntervalSince1970])
            return (runID, false)
        }
    }

    // MARK: Panels

    /// Records the plan: a panel whose version, fingerprint and override are unchanged keeps its
    /// record. A new or changed panel starts over as `planned` (the prompts and files of its
    /// unfinished version are forgotten), with two rules that keep every image: a *completed*
    /// panel is never replaced in place but archived as a `PanelVersion` and rendered as the next
    /// version, and a record asking for a higher version (a redo) gets it. Returns the records.
    @discardableResult
    public func plan(_ panels: [PanelRecord]) throws(LedgerError) -> [PanelRecord] {
        try write { db in
            for var panel in panels {
                guard let existing = try LedgerSchema.panel(panel.panelID, db) else {
                    try LedgerSchema.insert(panel, db)
                    continue
                }
                if existing.version == panel.version, existing.fingerprint == panel.fingerprint, existing.override == panel.override {
                    try db.execute(sql: "UPDATE panel SET position = ? WHERE panel_id = ?", arguments: [panel.position, panel.panelID])
                    continue
                }
                if existing.state == .completed {
                    try LedgerSchema.archive(existing, db)
                    if panel.version <= existing.version {
                        panel.notes.append(.renderedAsNewVersion(version: existing.version + 1, previous: existing.version))
                    }
                    panel.version = max(panel.version, existing.version + 1)
                } else {
                    panel.version = max(panel.version, existing.version)
                }
                try db.execute(sql: "DELETE FROM file WHERE panel_id = ?", arguments: [panel.panelID])
                try db.execute(sql: "DELETE FROM prompt WHERE panel_id = ?", arguments: [panel.panelID])
                try db.execute(sql: "DELETE FROM panel WHERE panel_id = ?", arguments: [panel.panelID])
                try LedgerSchema.insert(panel, db)
            }
        }
        // One read transaction for all of them: 20,000 transactions took seconds of a resumed run's start.
        return try read { db in
            try panels.map { p in
                guard let record = try LedgerSchema.panel(p.panelID, db) else { throw LedgerError.unknown(path: path, what: "panel \(p.panelID)") }
                return record
            }
        }
    }

    /// The record of one panel, with its files.
    public func panel(_ panelID: String) throws(LedgerError) -> PanelRecord? {
        try read { db in try LedgerSchema.panel(panelID, db) }
    }

    /// Every panel record, in render order.
    public func panels() throws(LedgerError) -> [PanelRecord] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT panel_id FROM panel ORDER BY position, panel_id").compactMap { try LedgerSchema.panel($0, db) }
        }
    }

    /// Starts a new submission round for a panel and returns its attempt number (from 1).
    public func beginAttempt(_ panelID: String) throws(LedgerError) -> Int {
        try write { db in
            try Self.abandonOpenPrompts(of: panelID, db)
            try db.execute(sql: "UPDATE panel SET attempts = attempts + 1 WHERE panel_id = ?", arguments: [panelID])
            return try Int.fetchOne(db, sql: "SELECT attempts FROM panel WHERE panel_id = ?", arguments: [panelID]) ?? 1
        }
    }

    /// Appends a note to a panel (kept once; repeating a note does nothing).
    public func addNote(_ note: PanelNote, panelID: String) throws(LedgerError) {
        try write { db in
            guard var panel = try LedgerSchema.panel(panelID, db) else { return }
            guard !panel.notes.contains(note) else { return }
            panel.notes.append(note)
            try db.execute(sql: "UPDATE panel SET notes = ? WHERE panel_id = ?", arguments: [LedgerSchema.encode(panel.notes), panelID])
        }
    }

    /// Records that the server started executing the panel; with `promptID`, also that the server
    /// accepted that prompt (a `recorded` prompt becomes `accepted`), in the same transaction.
    public func markStarted(_ panelID: String, promptID: String? = nil, at date: Date = Date()) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE panel SET started_at = COALESCE(started_at, ?) WHERE panel_id = ?",
                           arguments: [date.timeIntervalSince1970, panelID])
            if let promptID {
                try db.execute(sql: "UPDATE prompt SET state = ? WHERE prompt_id = ? AND state = ?",
                               arguments: [PromptState.accepted.rawValue, promptID, PromptState.recorded.rawValue])
            }
        }
    }

    /// Records the panel as completed (its files were recorded per prompt with `completePrompt`) and
    /// returns its record as committed, read in the same transaction.
    @discardableResult
    public func complete(_ panelID: String, finishedAt: Date, downloadedAt: Date) throws(LedgerError) -> PanelRecord? {
        try write { db in
            try db.execute(sql: """
                UPDATE panel SET state = ?, failure = NULL, finished_at = ?, downloaded_at = ? WHERE panel_id = ?
                """, arguments: [PanelState.completed.rawValue, finishedAt.timeIntervalSince1970, downloadedAt.timeIntervalSince1970, panelID])
            return try LedgerSchema.panel(panelID, db)
        }
    }

    /// Records the panel as failed; its open prompts become `abandoned`.
    public func fail(_ panelID: String, failure: RenderFailure, at date: Date = Date()) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE panel SET state = ?, failure = ?, finished_at = ? WHERE panel_id = ?",
                           arguments: [PanelState.failed.rawValue, LedgerSchema.encode(failure), date.timeIntervalSince1970, panelID])
            try Self.abandonOpenPrompts(of: panelID, db)
        }
    }

    /// Puts a panel back to `planned` (a resumed run whose files went missing, or a retry of a failed panel).
    public func replan(_ panelID: String) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "DELETE FROM file WHERE panel_id = ?", arguments: [panelID])
            try db.execute(sql: "UPDATE prompt SET state = ? WHERE panel_id = ? AND state != ?",
                           arguments: [PromptState.abandoned.rawValue, panelID, PromptState.abandoned.rawValue])
            try db.execute(sql: "UPDATE panel SET state = ?, failure = NULL, finished_at = NULL, downloaded_at = NULL WHERE panel_id = ?",
                           arguments: [PanelState.planned.rawValue, panelID])
        }
    }

    // MARK: Prompts

    /// Records a prompt before it is posted, and moves the panel to `submitted` with this prompt
    /// id and server. Recording the same prompt id again only updates its server.
    public func recordPrompt(_ prompt: PromptRecord) throws(LedgerError) {
        try write { db in
            try db.execute(sql: """
                INSERT INTO prompt (prompt_id, panel_id, attempt, part, first_image, image_count, server, state, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(prompt_id) DO UPDATE SET server = excluded.server, state = excluded.state
                """, arguments: [prompt.promptID, prompt.panelID, prompt.attempt, prompt.part, prompt.firstImage,
                                 prompt.imageCount, prompt.server, PromptState.recorded.rawValue, prompt.createdAt.timeIntervalSince1970])
            try db.execute(sql: """
                UPDATE panel SET state = ?, prompt_id = ?, server = ?, queued_at = COALESCE(queued_at, ?) WHERE panel_id = ?
                """, arguments: [PanelState.submitted.rawValue, prompt.promptID, prompt.server, prompt.createdAt.timeIntervalSince1970, prompt.panelID])
        }
    }

    /// Sets a prompt's state.
    public func setPromptState(_ promptID: String, _ state: PromptState) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE prompt SET state = ? WHERE prompt_id = ?", arguments: [state.rawValue, promptID])
        }
    }

    /// Records the files one prompt produced and marks the prompt `completed`, in one transaction.
    public func completePrompt(_ promptID: String, panelID: String, files: [StoredFile]) throws(LedgerError) {
        try write { db in
            for file in files {
                try db.execute(sql: """
                    INSERT OR REPLACE INTO file (panel_id, path, node_id, bytes, sha256, prompt_id, media_type, animated, frame_rate)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [panelID, file.path, file.nodeID, file.bytes, file.sha256, promptID, file.mediaType,
                                     file.animated ? 1 : 0, file.frameRate])
                try LedgerSchema.writeQuality(file, panelID: panelID, db)
                try db.execute(sql: "DELETE FROM pending_file WHERE path = ?", arguments: [file.path])
            }
            try db.execute(sql: "UPDATE prompt SET state = ? WHERE prompt_id = ?", arguments: [PromptState.completed.rawValue, promptID])
        }
    }

    /// The prompts of a panel, oldest first.
    public func prompts(_ panelID: String) throws(LedgerError) -> [PromptRecord] {
        try read { db in try LedgerSchema.prompts(panelID, db) }
    }

    /// The project-relative paths of the files recorded for a panel (lighter than `panel(_:)`).
    public func filePaths(_ panelID: String) throws(LedgerError) -> [String] {
        try read { db in
            try String.fetchAll(db.cachedStatement(sql: "SELECT path FROM file WHERE panel_id = ? ORDER BY rowid"), arguments: [panelID])
        }
    }

    /// The files recorded for one prompt.
    public func files(promptID: String) throws(LedgerError) -> [StoredFile] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM file WHERE prompt_id = ? ORDER BY rowid", arguments: [promptID]).map(LedgerSchema.file)
        }
    }

    // MARK: Plumbing

    /// Marks the panel's recorded and accepted prompts abandoned.
    private static func abandonOpenPrompts(of panelID: String, _ db: Database) throws {
        try db.execute(sql: "UPDATE prompt SET state = ? WHERE panel_id = ? AND state IN (?, ?)",
                       arguments: [PromptState.abandoned.rawValue, panelID, PromptState.recorded.rawValue, PromptState.accepted.rawValue])
    }

    func write<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.write(body) } catch let error as LedgerError { throw error } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    func read<T>(_ body: (Database) throws -> T) throws(LedgerError) -> T {
        do { return try pool.read(body) } catch let error as LedgerError { throw error } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }
}

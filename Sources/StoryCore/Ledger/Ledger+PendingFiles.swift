import ComfyWorkflow
import Foundation
import GRDB

/// Files about to be renamed into `outputs/`: recorded before the rename, cleared when the prompt's files
/// are recorded. A process killed between the two leaves a row naming exactly the file it may have put
/// in place, so the next run removes that file instead of leaving an image the manifest does not list.
extension LedgerSchema {
    static func registerPendingFileMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v3-pending-files") { db in
            try db.execute(sql: """
                CREATE TABLE pending_file (
                    path TEXT PRIMARY KEY,
                    panel_id TEXT NOT NULL,
                    prompt_id TEXT NOT NULL);
                """)
        }
    }
}

extension Ledger {
    /// Records that `path` (relative to the project) is about to be renamed into place for `promptID`.
    public func notePendingFile(_ path: String, panelID: String, promptID: String) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO pending_file (path, panel_id, prompt_id) VALUES (?, ?, ?)",
                           arguments: [path, panelID, promptID])
        }
    }

    /// Paths of pending files that no panel (or archived version) records, forgetting every pending row.
    ///
    /// Call it at the start of a run, before anything is rendered: each path returned is a file an earlier
    /// process renamed into place and was killed before recording, safe to remove.
    public func takeUnrecordedPendingFiles() throws(LedgerError) -> [String] {
        try write { db in
            let pending = try String.fetchAll(db, sql: "SELECT path FROM pending_file ORDER BY path")
            var unrecorded: [String] = []
            for path in pending {
                let inFiles = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM file WHERE path = ?)", arguments: [path]) ?? false
                let quoted = JSONValue.string(path).serializedString()
                let inVersions = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM panel_version WHERE instr(files, ?) > 0)",
                                                   arguments: [quoted]) ?? false
                if !inFiles && !inVersions { unrecorded.append(path) }
            }
            try db.execute(sql: "DELETE FROM pending_file")
            return unrecorded
        }
    }
}

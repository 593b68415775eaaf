import ComfyWorkflow
import Foundation
import GRDB
import StoryCoreImaging

/// The quality gate's record: each stored file's verdict and figures (the `file.quality` column and
/// the `quality` key of archived versions' files), and the redo of a failing panel as its next version.
extension LedgerSchema {
    static func registerQualityMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-file-quality") { db in
            try db.execute(sql: "ALTER TABLE file ADD COLUMN quality TEXT")
        }
    }

    /// Stores `file.quality` on its row (inserted just before, in the same transaction).
    static func writeQuality(_ file: StoredFile, panelID: String, _ db: Database) throws {
        guard let quality = file.quality else { return }
        try db.execute(sql: "UPDATE file SET quality = ? WHERE panel_id = ? AND path = ?",
                       arguments: [quality.json.serializedString(), panelID, file.path])
    }

    /// The quality of a `file` row, when it has one.
    static func quality(_ row: Row) -> QualityReport? {
        guard let text: String = row["quality"] else { return nil }
        return QualityReport(json: try? JSONValue.parse(text))
    }
}

extension Ledger {
    /// Keeps the current version of a panel whose images failed the quality gate (recorded completed
    /// and archived with its files, as a redo does) and makes the next version current, planned with
    /// `seed` as its seed override and `note` (the redo's k and verdict). Returns the new version.
    /// `fingerprint` is the new version's job's.
    public func redoForQuality(_ panelID: String, seed: UInt64, fingerprint: String, note: PanelNote,
                               at date: Date = Date()) throws(LedgerError) -> Int {
        try write { db in
            guard var current = try LedgerSchema.panel(panelID, db) else {
                throw LedgerError.unknown(path: path, what: "panel \(panelID)")
            }
            current.state = .completed
            current.failure = nil
            current.finishedAt = current.finishedAt ?? date
            try LedgerSchema.archive(current, db)
            var next = PanelRecord(panelID: panelID, position: current.position, shotID: current.shotID, fingerprint: fingerprint,
                                   prompt: current.prompt, negativePrompt: current.negativePrompt, seed: seed,
                                   width: current.width, height: current.height, batchSize: current.batchSize)
            next.version = current.version + 1
            next.override = PanelOverride(prompt: current.override?.prompt, seed: seed)
            next.notes = [note]
            try db.execute(sql: "DELETE FROM file WHERE panel_id = ?", arguments: [panelID])
            try db.execute(sql: "DELETE FROM prompt WHERE panel_id = ?", arguments: [panelID])
            try db.execute(sql: "DELETE FROM panel WHERE panel_id = ?", arguments: [panelID])
            try LedgerSchema.insert(next, db)
            return next.version
        }
    }
}

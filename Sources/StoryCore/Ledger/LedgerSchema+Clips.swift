import Foundation
import GRDB

/// What the ledger keeps about a shot clip job beyond a panel's columns.
public struct ClipRecord: Sendable, Hashable {
    /// The panel whose image the clip starts from.
    public var keyPanelID: String
    /// Frames rendered.
    public var frames: Int
    /// Frames per second of the saved clip.
    public var frameRate: Double
    /// The shot's duration in seconds.
    public var durationSeconds: Double
    /// The `LoadImage` value of the last upload of the key panel's image (the name the server returned).
    public var uploadedImage: String?
    /// The key panel's file that was uploaded, relative to the project.
    public var sourceImage: String?

    /// Creates a record.
    public init(keyPanelID: String, frames: Int, frameRate: Double, durationSeconds: Double,
                uploadedImage: String? = nil, sourceImage: String? = nil) {
        self.keyPanelID = keyPanelID
        self.frames = frames
        self.frameRate = frameRate
        self.durationSeconds = durationSeconds
        self.uploadedImage = uploadedImage
        self.sourceImage = sourceImage
    }
}

/// Shot clip jobs in the `panel` table (issue 17): a row with `kind = 'clip'` is a clip, its id the shot id.
extension LedgerSchema {
    static func registerClipMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6-clip-jobs") { db in
            try db.execute(sql: """
                ALTER TABLE panel ADD COLUMN kind TEXT NOT NULL DEFAULT 'panel';
                ALTER TABLE panel ADD COLUMN key_panel_id TEXT;
                ALTER TABLE panel ADD COLUMN frames INTEGER;
                ALTER TABLE panel ADD COLUMN frame_rate REAL;
                ALTER TABLE panel ADD COLUMN duration_seconds REAL;
                ALTER TABLE panel ADD COLUMN uploaded_image TEXT;
                ALTER TABLE panel ADD COLUMN source_image TEXT;
                """)
        }
    }

    /// Sets the clip columns of a freshly inserted row (nothing for a panel).
    static func writeClip(of panel: PanelRecord, _ db: Database) throws {
        guard let clip = panel.clip else { return }
        try db.execute(sql: """
            UPDATE panel SET kind = 'clip', key_panel_id = ?, frames = ?, frame_rate = ?, duration_seconds = ? WHERE panel_id = ?
            """, arguments: [clip.keyPanelID, clip.frames, clip.frameRate, clip.durationSeconds, panel.panelID])
    }

    /// Reads the clip columns of a row into `record` (nil `clip` for a panel).
    static func readClip(into record: inout PanelRecord, row: Row) {
        guard (row["kind"] as String?) == "clip", let key = row["key_panel_id"] as String? else { return }
        record.clip = ClipRecord(keyPanelID: key, frames: (row["frames"] as Int?) ?? 0, frameRate: (row["frame_rate"] as Double?) ?? 0,
                                 durationSeconds: (row["duration_seconds"] as Double?) ?? 0,
                                 uploadedImage: row["uploaded_image"], sourceImage: row["source_image"])
    }
}

extension Ledger {
    /// Records the upload of a clip's key panel image: the file sent and the name the server returned.
    public func noteClipUpload(_ shotID: String, sourceImage: String, uploadedImage: String) throws(LedgerError) {
        try write { db in
            try db.execute(sql: "UPDATE panel SET uploaded_image = ?, source_image = ? WHERE panel_id = ? AND kind = 'clip'",
                           arguments: [uploadedImage, sourceImage, shotID])
        }
    }
}

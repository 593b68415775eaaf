import ComfyWorkflow
import GRDB

/// The media type, animation flag and frame rate of each stored file (issue 17). A ledger written
/// before they existed reads its files' media types from their extensions, not animated.
extension LedgerSchema {
    static func registerMediaMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-file-media") { db in
            try db.execute(sql: """
                ALTER TABLE file ADD COLUMN media_type TEXT;
                ALTER TABLE file ADD COLUMN animated INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE file ADD COLUMN frame_rate REAL;
                """)
        }
    }

    /// The `file` row's media columns as a stored file's values.
    static func media(_ row: Row) -> (type: String?, animated: Bool, frameRate: Double?) {
        (row["media_type"], ((row["animated"] as Int?) ?? 0) != 0, row["frame_rate"])
    }

    /// The media keys of a file in the `panel_version.files` JSON.
    static func mediaFields(_ file: StoredFile) -> JSONObject {
        var object: JSONObject = ["media_type": .string(file.mediaType), "animated": .bool(file.animated)]
        if let rate = file.frameRate { object["frame_rate"] = .double(rate) }
        return object
    }
}

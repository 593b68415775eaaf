import ComfyWorkflow
import Foundation
import GRDB

/// A person's verdict on one version of a panel (the dashboard's approve and reject), kept in the
/// ledger and written into the panel's manifest entry as `review`.
public struct PanelReview: Sendable, Hashable {
    /// Approved or rejected.
    public enum Verdict: String, Sendable, Hashable, CaseIterable {
        /// The version is good.
        case approved
        /// The version is not good.
        case rejected
    }

    /// The verdict.
    public var verdict: Verdict
    /// The version it is about.
    public var version: Int
    /// When it was given.
    public var at: Date

    /// Creates a review.
    public init(verdict: Verdict, version: Int, at: Date = Date()) {
        self.verdict = verdict
        self.version = version
        self.at = at
    }

    /// `{"verdict": "approved"|"rejected", "version": N, "at": "<ISO-8601 Z>"}`, as the manifest writes it.
    public var json: JSONValue {
        ["verdict": .string(verdict.rawValue), "version": .int(version), "at": .string(Timestamp.string(at))]
    }
}

/// The `panel_review` table: the latest review of each panel (a new one replaces it).
extension LedgerSchema {
    static func registerReviewMigration(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-panel-reviews") { db in
            try db.execute(sql: """
                CREATE TABLE panel_review (
                    panel_id TEXT PRIMARY KEY,
                    verdict TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    at REAL NOT NULL);
                """)
        }
    }

    static func review(_ panelID: String, _ db: Database) throws -> PanelReview? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM panel_review WHERE panel_id = ?"), arguments: [panelID]),
              let verdict = PanelReview.Verdict(rawValue: row["verdict"]) else { return nil }
        return PanelReview(verdict: verdict, version: row["version"], at: Date(timeIntervalSince1970: row["at"]))
    }
}

extension Ledger {
    /// Records a review of `panelID`, replacing the one before. The panel must be in the ledger.
    public func setReview(_ review: PanelReview, panelID: String) throws(LedgerError) {
        try write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM panel WHERE panel_id = ?)", arguments: [panelID]) == true else {
                throw LedgerError.unknown(path: path, what: "panel \(panelID)")
            }
            try db.execute(sql: "INSERT OR REPLACE INTO panel_review (panel_id, verdict, version, at) VALUES (?, ?, ?, ?)",
                           arguments: [panelID, review.verdict.rawValue, review.version, review.at.timeIntervalSince1970])
        }
    }

    /// The latest review of a panel, if it has one.
    public func review(_ panelID: String) throws(LedgerError) -> PanelReview? {
        try read { db in try LedgerSchema.review(panelID, db) }
    }
}

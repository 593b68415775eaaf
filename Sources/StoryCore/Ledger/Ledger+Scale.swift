import Foundation
import GRDB

extension Ledger {
    /// The failed panels among `panelIDs`, with their failure: read without loading every panel record
    /// (a run's summary of 20,000 panels needs only the few that failed).
    public func failures(among panelIDs: Set<String>) throws(LedgerError) -> [String: RenderFailure] {
        try read { db in
            var failures: [String: RenderFailure] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT panel_id, failure FROM panel WHERE state = ?", arguments: [PanelState.failed.rawValue])
            while let row = try rows.next() {
                let panelID: String = row["panel_id"]
                guard panelID.isEmpty == false, panelIDs.contains(panelID),
                      let failure = LedgerSchema.decodeFailure(row["failure"]) else { continue }
                failures[panelID] = failure
            }
            return failures
        }
    }

    /// Panels per state, without loading them.
    public func panelCounts() throws(LedgerError) -> [PanelState: Int] {
        try read { db in
            var counts: [PanelState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM panel GROUP BY state") {
                if let state = PanelState(rawValue: row["state"]) { counts[state, default: 0] += row["n"] as Int }
            }
            return counts
        }
    }

    /// Every panel record in render order, like `panels()`, read on the calling task in a read transaction of
    /// its own: the ledger's actor is not held, so panels keep committing while a large manifest is read.
    public nonisolated func panelsConcurrently() throws(LedgerError) -> [PanelRecord] {
        do {
            return try pool.read { db in
                try String.fetchAll(db, sql: "SELECT panel_id FROM panel ORDER BY position, panel_id").compactMap { try LedgerSchema.panel($0, db) }
            }
        } catch {
            throw .database(path: path, reason: "\(error)")
        }
    }

    /// Visits the records of `panelIDs` (nil for a panel the ledger does not have), in that order, in one
    /// read transaction that does not enter the ledger's actor: a run's start reads 20,000 records this way
    /// instead of in 20,000 transactions, and keeps none of them.
    /// Database problems are thrown as `LedgerError`; whatever `body` throws is rethrown as it is.
    public nonisolated func forEachPanel(_ panelIDs: [String], _ body: (String, PanelRecord?) throws -> Void) throws {
        do {
            try pool.read { db in
                for id in panelIDs { try body(id, try LedgerSchema.panel(id, db)) }
            }
        } catch let error as DatabaseError {
            throw LedgerError.database(path: path, reason: "\(error)")
        }
    }

    /// Visits every panel record in render order, `pageSize` at a time, in one read transaction (a consistent
    /// snapshot) that does not wait for the ledger's writers: only one page is in memory at once, so the
    /// manifest of 20,000 panels costs no more memory than that of 1,000.
    ///
    /// Runs on the calling task without entering the ledger's actor, so panels keep committing meanwhile.
    /// Database problems are thrown as `LedgerError`; whatever `body` throws is rethrown as it is.
    public nonisolated func forEachPanel(pageSize: Int = 256, _ body: ([PanelRecord]) throws -> Void) throws {
        do {
            try pool.read { db in
                let ids = try String.fetchAll(db, sql: "SELECT panel_id FROM panel ORDER BY position, panel_id")
                var start = 0
                while start < ids.count {
                    let end = min(ids.count, start + max(1, pageSize))
                    try body(try ids[start..<end].compactMap { try LedgerSchema.panel($0, db) })
                    start = end
                }
            }
        } catch let error as DatabaseError {
            throw LedgerError.database(path: path, reason: "\(error)")
        }
    }
}

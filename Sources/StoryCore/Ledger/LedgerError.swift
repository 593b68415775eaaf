/// Why the run ledger could not be opened or updated.
public enum LedgerError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The database file could not be opened or created.
    case cannotOpen(path: String, reason: String)
    /// A read or write failed.
    case database(path: String, reason: String)
    /// An update named a panel or prompt the ledger does not hold.
    case unknown(path: String, what: String)

    /// One line naming the database file and the problem.
    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "\(path): cannot open the run ledger: \(reason)"
        case .database(let path, let reason): "\(path): run ledger error: \(reason)"
        case .unknown(let path, let what): "\(path): run ledger has no \(what)"
        }
    }
}

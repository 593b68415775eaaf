/// Why the dashboard could not open or serve.
public enum DashboardError: Error, Sendable, CustomStringConvertible {
    /// The listen address is not loopback and no token was given.
    case tokenRequired(host: String)
    /// The listen address cannot be used.
    case badListenAddress(String)
    /// The server could not listen on `host:port`.
    case bind(host: String, port: Int, reason: String)
    /// The project could not be read.
    case project(String)
    /// The run ledger could not be read.
    case ledger(String)

    /// One line naming what failed and where (never the token).
    public var description: String {
        switch self {
        case .tokenRequired(let host):
            "the dashboard listens on \(host), not on loopback: give a token with --dashboard-token or $COMFYBRIDGE_DASHBOARD_TOKEN"
        case .badListenAddress(let text): "dashboard listen address '\(text)': expected [HOST:]PORT, like 127.0.0.1:8290"
        case .bind(let host, let port, let reason): "the dashboard cannot listen on \(host):\(port): \(reason)"
        case .project(let reason): reason
        case .ledger(let reason): reason
        }
    }
}

/// Why a dashboard action (start, stop, redo, approve, reject) was refused; each maps to an HTTP status.
public enum DashboardActionError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The request is malformed or names something invalid (400).
    case badRequest(String)
    /// The request names a panel or version that does not exist (404).
    case notFound(String)
    /// The action does not fit the run state (409), for example start while rendering.
    case conflict(String)
    /// The action failed on the server side (500).
    case failed(String)

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .badRequest: 400
        case .notFound: 404
        case .conflict: 409
        case .failed: 500
        }
    }

    /// One line for people.
    public var description: String {
        switch self {
        case .badRequest(let text), .notFound(let text), .conflict(let text), .failed(let text): text
        }
    }
}

import Foundation

/// Who may use the dashboard: the token check and the same-origin rule of `dashboard-api.md`.
///
/// Without a token every request is let in (the server then listens on loopback only). With one,
/// every request needs `Authorization: Bearer <token>` or the cookie `comfybridge_dashboard=<token>`.
/// POSTs and WebSocket upgrades carrying an `Origin` other than the server's own are refused.
public struct DashboardAccess: Sendable {
    /// The cookie that carries the token in a browser.
    public static let cookieName = "comfybridge_dashboard"
    private let token: [UInt8]?

    /// Access with `token` (nil or empty: no token needed).
    public init(token: String?) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
    }

    /// True when a token is required.
    public var requiresToken: Bool { token != nil }

    /// True when no token is required, or `authorization` is `Bearer <token>`, or `cookie` is the token.
    public func isAuthorized(authorization: String?, cookie: String?) -> Bool {
        guard let token else { return true }
        if let authorization {
            let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer", Self.equal(Array(parts[1].utf8), token) { return true }
        }
        if let cookie, Self.equal(Array(cookie.utf8), token) { return true }
        return false
    }

    /// True when `candidate` is the token (compared in constant time for equal lengths).
    public func matches(_ candidate: String) -> Bool {
        guard let token else { return true }
        return Self.equal(Array(candidate.utf8), token)
    }

    /// True when `origin` is absent, or is this server's own origin: `http://<host>` as the browser
    /// sent `Host` (scheme, host and port compared without regard to case). Non-browser WebSocket
    /// clients (swift-websocket) send `ws://<host name>` for the URL they connect to; that form is
    /// accepted too, as no browser document has a `ws:` origin.
    public static func isSameOrigin(origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        guard let host, !host.isEmpty else { return false }
        let given = origin.lowercased()
        let own = host.lowercased()
        if given == "http://\(own)" { return true }
        let hostName = own.hasPrefix("[") ? String(own.prefix { $0 != "]" }) + "]" : String(own.split(separator: ":").first ?? "")
        return given == "ws://\(own)" || given == "ws://\(hostName)"
    }

    /// True when every `Origin` header of a request is this server's own (none at all is fine).
    public static func isSameOrigin(origins: [String], host: String?) -> Bool {
        origins.allSatisfy { isSameOrigin(origin: $0, host: host) }
    }

    private static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

/// Where the dashboard listens and who may use it.
public struct DashboardConfiguration: Sendable {
    /// The host to listen on (default `127.0.0.1`).
    public var host: String
    /// The port (default 8290; 0 picks a free one).
    public var port: Int
    /// The token required for every request; required when `host` is not loopback.
    public var token: String?
    /// The default listen address, `127.0.0.1:8290`.
    public static let defaultPort = 8290

    /// Creates a configuration.
    public init(host: String = "127.0.0.1", port: Int = DashboardConfiguration.defaultPort, token: String? = nil) {
        self.host = host
        self.port = port
        self.token = token.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Parses `[HOST:]PORT` (a bracketed IPv6 host like `[::1]:8290` is accepted); the host defaults to `127.0.0.1`.
    public static func parseListen(_ text: String) throws(DashboardError) -> (host: String, port: Int) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var host = "127.0.0.1"
        var portText = trimmed
        if trimmed.hasPrefix("["), let close = trimmed.firstIndex(of: "]") {
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            let rest = trimmed[trimmed.index(after: close)...]
            guard rest.hasPrefix(":") else { throw .badListenAddress(text) }
            portText = String(rest.dropFirst())
        } else if let colon = trimmed.lastIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = String(trimmed[trimmed.index(after: colon)...])
            guard !host.isEmpty, !host.contains(":") else { throw .badListenAddress(text) }
        }
        guard let port = Int(portText), (0...65535).contains(port), !host.isEmpty else { throw .badListenAddress(text) }
        return (host, port)
    }

    /// True for `localhost`, `::1` and `127.x.x.x`.
    public static func isLoopback(_ host: String) -> Bool {
        let lower = host.lowercased()
        if lower == "localhost" || lower == "::1" { return true }
        let parts = lower.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// Throws `tokenRequired` when the host is not loopback and there is no token.
    public func validate() throws(DashboardError) {
        if token == nil && !Self.isLoopback(host) { throw .tokenRequired(host: host) }
    }
}

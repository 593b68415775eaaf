import Foundation
import NIOCore

/// A validated server address: scheme, host, port and path prefix, turned into request and WebSocket URLs.
struct ServerEndpoint: Sendable, Hashable, CustomStringConvertible {
    let secure: Bool
    let hostPort: String
    let pathPrefix: String
    /// The host when it is an IPv4 or IPv6 literal (without brackets), nil for a host name.
    ///
    /// https to an IP sends no SNI (RFC 6066) and checks the certificate's IP subjectAltName entries instead.
    let ipAddress: String?

    /// Parses `url`; only `http` and `https` with a host are accepted, and a query or fragment is refused.
    init(_ url: URL) throws(ComfyError) {
        guard let components = URLComponents(url: url, resolvingAgainstBaseURL: false),
              let scheme = components.scheme?.lowercased() else {
            throw ComfyError.invalidConfiguration("base URL \(url.absoluteString) is not a valid URL")
        }
        guard scheme == "http" || scheme == "https" else {
            throw ComfyError.invalidConfiguration("base URL \(url.absoluteString) must use http or https, not \(scheme)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ComfyError.invalidConfiguration("base URL \(url.absoluteString) has no host")
        }
        guard components.query == nil, components.fragment == nil else {
            throw ComfyError.invalidConfiguration("base URL \(url.absoluteString) must not carry a query or fragment")
        }
        secure = scheme == "https"
        ipAddress = Self.ipLiteral(host)
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        hostPort = components.port.map { "\(bracketed):\($0)" } ?? bracketed
        var prefix = components.percentEncodedPath
        while prefix.hasSuffix("/") { prefix.removeLast() }
        if !prefix.isEmpty && !prefix.hasPrefix("/") { prefix = "/" + prefix }
        pathPrefix = prefix
    }

    /// `host` without its brackets when it is an IPv4 or IPv6 address literal; nil for a host name.
    static func ipLiteral(_ host: String) -> String? {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        return (try? SocketAddress(ipAddress: bare, port: 0)) == nil ? nil : bare
    }

    /// The full URL of `route` (which starts with `/`) with the query items percent-encoded.
    func httpURL(_ route: String, query: [(String, String)] = []) -> String {
        (secure ? "https://" : "http://") + hostPort + pathPrefix + route + Self.encode(query)
    }

    /// The WebSocket URL for `clientID`.
    func webSocketURL(clientID: String) -> String {
        (secure ? "wss://" : "ws://") + hostPort + pathPrefix + "/ws" + Self.encode([("clientId", clientID)])
    }

    /// The server as people name it: scheme, host, port and prefix.
    var description: String { (secure ? "https://" : "http://") + hostPort + pathPrefix }

    private static let unreserved: Set<UInt8> = Set(Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))

    /// Percent-encodes one query component (everything but RFC 3986 unreserved characters).
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if unreserved.contains(byte) {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += "%" + String(byte >> 4, radix: 16, uppercase: true) + String(byte & 0xF, radix: 16, uppercase: true)
            }
        }
        return out
    }

    private static func encode(_ query: [(String, String)]) -> String {
        guard !query.isEmpty else { return "" }
        return "?" + query.map { escape($0.0) + "=" + escape($0.1) }.joined(separator: "&")
    }
}

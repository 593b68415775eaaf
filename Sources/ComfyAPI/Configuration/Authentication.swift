import Foundation

/// Credentials sent with every HTTP request and on the WebSocket upgrade.
///
/// Stock ComfyUI has no authentication; these exist for servers behind a reverse proxy or gateway.
public enum Authentication: Sendable, Hashable {
    /// No credentials (the default).
    case none
    /// `Authorization: Bearer <token>`.
    case bearer(String)
    /// `Authorization: Basic base64(user:password)`.
    case basic(user: String, password: String)
    /// Arbitrary extra header fields, sent as given (for example an API-gateway key).
    case headers([String: String])

    /// The header fields these credentials add to a request, in a stable order.
    public var headerFields: [(name: String, value: String)] {
        switch self {
        case .none:
            return []
        case .bearer(let token):
            return [("Authorization", "Bearer \(token)")]
        case .basic(let user, let password):
            let encoded = Data("\(user):\(password)".utf8).base64EncodedString()
            return [("Authorization", "Basic \(encoded)")]
        case .headers(let fields):
            return fields.keys.sorted().map { ($0, fields[$0]!) }
        }
    }
}

import ComfyWorkflow
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Turns every error into the contract's `{"error": "<one line>"}` with its status, and adds the
/// headers every response carries (no sniffing, no framing, no referrer).
struct DashboardErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError {
            let message = error.body ?? (error.status == .notFound ? "no such route: \(request.method) \(request.uri.path)" : error.status.reasonPhrase)
            response = DashboardResponse.error(error.status, message)
        } catch let error as DashboardActionError {
            response = DashboardResponse.error(.init(code: error.status), error.description)
        } catch {
            response = DashboardResponse.error(.internalServerError, "internal error")
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }
}

/// The token and same-origin rules (see `DashboardAccess`) in front of every route, and the
/// `GET /?token=` link that sets the token cookie.
struct DashboardGuardMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: DashboardAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if access.requiresToken, request.method == .get, request.uri.path == "/", let given = request.uri.queryParameters["token"] {
            guard access.matches(String(given)) else { return DashboardResponse.error(.unauthorized, "wrong dashboard token") }
            var headers = HTTPFields()
            headers[.location] = "/"
            headers[.setCookie] = DashboardResponse.tokenCookie(String(given))
            headers[.cacheControl] = "no-store"
            return Response(status: .seeOther, headers: headers)
        }
        guard Self.allows(request, access: access) else {
            var response = DashboardResponse.error(.unauthorized, "a dashboard token is required (Authorization: Bearer, or open /?token=...)")
            response.headers[.wwwAuthenticate] = "Bearer"
            return response
        }
        guard Self.originAllowed(request) else {
            return DashboardResponse.error(.forbidden, "refused: the request comes from another origin")
        }
        return try await next(request, context)
    }

    /// True when the request carries the token (or none is needed).
    static func allows(_ request: Request, access: DashboardAccess) -> Bool {
        access.isAuthorized(authorization: request.headers[.authorization], cookie: tokenCookie(in: request))
    }

    /// False for a POST or WebSocket upgrade whose `Origin` is not this server's own.
    static func originAllowed(_ request: Request) -> Bool {
        let isUpgrade = request.headers[.upgrade]?.lowercased() == "websocket"
        guard request.method == .post || isUpgrade else { return true }
        return DashboardAccess.isSameOrigin(origins: request.headers[values: .origin], host: request.head.authority)
    }

    /// The token cookie's value, percent-decoded.
    static func tokenCookie(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == DashboardAccess.cookieName else { continue }
                let raw = parts[1].trimmingCharacters(in: .whitespaces)
                return raw.removingPercentEncoding ?? raw
            }
        }
        return nil
    }
}

/// Responses of the dashboard: JSON, errors, assets.
enum DashboardResponse {
    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: value.serialized(.compact))))
    }

    /// `{"error": message}` with `status`; the message is one line.
    static func error(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let line = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return json(["error": .string(line)], status: status)
    }

    /// `{"ok": true}` with `status`.
    static func ok(_ status: HTTPResponse.Status = .ok) -> Response { json(["ok": true], status: status) }

    /// Bytes with a content type.
    static func bytes(_ bytes: [UInt8], contentType: String, cacheControl: String = "no-cache") -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.cacheControl] = cacheControl
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The `Set-Cookie` value carrying the token: HttpOnly, SameSite=Strict, whole site.
    static func tokenCookie(_ token: String) -> String {
        let value = token.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        return "\(DashboardAccess.cookieName)=\(value); Path=/; HttpOnly; SameSite=Strict"
    }
}

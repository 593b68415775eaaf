import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The emulator's HTTP side: turns Hummingbird requests into `RequestInfo`, applies simulated latency
/// and injected faults, and lets `EmulatorCore` answer. Every route also answers under `/api`.
struct EmulatorHTTPResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let core: EmulatorCore
    let maxBodyBytes: Int
    let latency: Duration

    func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
        var request = request
        let reply = await handle(&request)
        if latency > .zero { try? await Task.sleep(for: latency) }
        var headers = HTTPFields()
        if let type = reply.contentType { headers[.contentType] = type }
        for (name, value) in reply.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: .init(code: reply.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: reply.body)))
    }

    private func handle(_ request: inout Request) async -> Reply {
        let fault = await core.drawHTTPFault()
        if fault.delay > .zero { try? await Task.sleep(for: fault.delay) }
        if fault.fail { return .internalError }
        var path = request.uri.path
        if path == "/api" || path.hasPrefix("/api/") { path = String(path.dropFirst(4)) }
        if path.isEmpty { path = "/" }
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maxBodyBytes)
        } catch {
            return .tooLarge(maxBodyBytes)
        }
        let info = RequestInfo(method: request.method.rawValue, path: path,
                               query: RequestInfo.parseQuery(request.uri.query ?? ""),
                               contentType: request.headers[.contentType], body: Array(buffer: body))
        return await core.route(info)
    }
}

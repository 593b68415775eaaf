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
        if await core.streamsDownloadsForever, request.uri.path.hasSuffix("/view") {
            return Self.endless()
        }
        var reply = await handle(&request)
        if latency > .zero { try? await Task.sleep(for: latency) }
        if reply.contentType?.contains("json") == true, let garbled = await core.hostileJSON(reply.body) { reply.body = garbled }
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
        if path == "/view", await core.takeViewFailure() { return .internalError }
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

    /// A 200 image reply with no length whose body never ends (until the client closes the connection).
    static func endless() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "image/png"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let chunk = ByteBuffer(repeating: 0x89, count: 64 << 10)
            while !Task.isCancelled { try await writer.write(chunk) }
        })
    }
}

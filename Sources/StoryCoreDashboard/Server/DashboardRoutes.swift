import ComfyWorkflow
import Foundation
import Hummingbird
import HummingbirdWebSocket
import NIOCore
import NIOWebSocket
import StoryCore

/// The HTTP routes and the event socket of `dashboard-api.md`.
enum DashboardRoutes {
    /// The largest POST body accepted.
    static let maxBodyBytes = 64 << 10
    /// The largest message accepted from a browser on the event socket (they are ignored anyway).
    static let maxInboundFrameBytes = 64 << 10

    /// The HTTP router: assets, snapshot, previews, files and actions, behind the error and guard middleware.
    static func router(controller: DashboardController, access: DashboardAccess) -> Router<BasicRequestContext> {
        let hub = controller.hub
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: DashboardErrorMiddleware())
        router.add(middleware: DashboardGuardMiddleware(access: access))

        router.get("/") { _, _ in asset("index.html") }
        router.get("/index.html") { _, _ in asset("index.html") }
        router.get("/assets/:name") { _, context in
            let name = context.parameters.get("name") ?? ""
            guard name == "app.js" || name == "app.css" else { return DashboardResponse.error(.notFound, "no such asset") }
            return asset(name)
        }
        router.get("/api/snapshot") { _, _ in DashboardResponse.json(await hub.snapshot()) }
        router.get("/api/events") { _, _ in
            DashboardResponse.error(.badRequest, "/api/events is a WebSocket: connect with an upgrade request")
        }
        router.get("/api/previews/:panel") { _, context in
            guard let panelID = context.parameters.get("panel"), let preview = await hub.preview(panelID) else {
                return DashboardResponse.error(.notFound, "no preview for this panel")
            }
            return DashboardResponse.bytes(preview.bytes, contentType: preview.mediaType, cacheControl: "no-store")
        }
        router.get("/api/files/:panel/:version/:index") { _, context in
            try await file(context: context, hub: hub, projectDirectory: controller.projectDirectory)
        }
        router.post("/api/actions/:action") { request, context in
            try await action(request: request, context: context, controller: controller)
        }
        return router
    }

    /// The WebSocket router: `/api/events`, upgraded only for requests the guard lets in.
    static func webSocketRouter(hub: DashboardHub, access: DashboardAccess) -> Router<BasicWebSocketRequestContext> {
        let router = Router(context: BasicWebSocketRequestContext.self)
        router.ws("/api/events", shouldUpgrade: { request, _ in
            // Refused here, the request goes on to the HTTP router, whose guard answers 401 or 403.
            guard DashboardGuardMiddleware<BasicWebSocketRequestContext>.allows(request, access: access),
                  DashboardGuardMiddleware<BasicWebSocketRequestContext>.originAllowed(request) else { return .dontUpgrade }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, _ in
            let id = await hub.connect()
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    // Messages from the browser are ignored; the loop ends when the browser closes.
                    do { for try await _ in inbound.messages(maxSize: maxInboundFrameBytes) {} } catch {}
                }
                group.addTask {
                    while let text = await hub.next(id) {
                        do { try await outbound.write(.text(text)) } catch { return }
                    }
                    try? await outbound.close(.goingAway, reason: nil)
                }
                await group.next()
                group.cancelAll()
            }
            await hub.disconnect(id)
        })
        return router
    }

    static func asset(_ name: String) -> Response {
        guard let file = DashboardAssets.files[name] else { return DashboardResponse.error(.notFound, "no such asset") }
        return DashboardResponse.bytes(file.bytes, contentType: file.contentType)
    }

    /// `GET /api/files/<panel>/<version>/<index>`: the file the ledger records at that place; the
    /// request only picks a record, never a path.
    static func file(context: BasicRequestContext, hub: DashboardHub, projectDirectory: URL) async throws -> Response {
        guard let panelID = context.parameters.get("panel"), let version = context.parameters.get("version", as: Int.self),
              let index = context.parameters.get("index", as: Int.self),
              let files = await hub.state.tile(panelID)?.files(version: version), files.indices.contains(index) else {
            return DashboardResponse.error(.notFound, "no such file")
        }
        let path = files[index].path
        let mediaType = files[index].mediaType
        let components = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.hasPrefix("/"), components.first == "outputs", !components.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }) else {
            return DashboardResponse.error(.notFound, "no such file")
        }
        let url = projectDirectory.appendingPathComponent(path)
        let body: ResponseBody
        do { body = try await FileIO().loadFile(path: url.path, context: context) } catch {
            return DashboardResponse.error(.notFound, "the file of \(panelID) version \(version) is missing on disk")
        }
        var headers = HTTPFields()
        headers[.contentType] = mediaType
        headers[.cacheControl] = "private, max-age=3600"
        return Response(status: .ok, headers: headers, body: body)
    }

    /// `POST /api/actions/<action>` with a JSON object body of at most 64 KiB.
    static func action(request: Request, context: BasicRequestContext, controller: DashboardController) async throws -> Response {
        let name = context.parameters.get("action") ?? ""
        guard ["start", "stop", "redo", "approve", "reject"].contains(name) else {
            return DashboardResponse.error(.notFound, "no such action: \(name)")
        }
        let contentType = request.headers[.contentType]?.lowercased() ?? ""
        guard contentType.hasPrefix("application/json") else {
            return DashboardResponse.error(.unsupportedMediaType, "actions take a JSON body (Content-Type: application/json)")
        }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: maxBodyBytes) } catch {
            return DashboardResponse.error(.contentTooLarge, "the body is larger than \(maxBodyBytes) bytes")
        }
        let body: JSONObject
        do {
            let bytes = buffer.readableBytesView
            let value = bytes.isEmpty ? JSONValue.object(JSONObject()) : try JSONValue.parse(bytes, limits: JSONLimits(maxDepth: 16, maxBytes: maxBodyBytes))
            guard let object = value.objectValue else { throw DashboardActionError.badRequest("the body must be a JSON object") }
            body = object
        } catch let error as DashboardActionError {
            throw error
        } catch {
            throw DashboardActionError.badRequest("the body is not valid JSON: \(error)")
        }
        switch name {
        case "start":
            try await controller.start()
            return DashboardResponse.ok(.accepted)
        case "stop":
            try await controller.stop()
            return DashboardResponse.ok(.accepted)
        case "redo":
            let panelID = try requiredPanelID(body)
            let seed = try optionalSeed(body["seed"])
            let prompt = try optionalString(body["prompt"], field: "prompt")
            try await controller.redo(panelID: panelID, seed: seed, prompt: prompt)
            return DashboardResponse.ok(.accepted)
        default:
            let panelID = try requiredPanelID(body)
            let version = try optionalVersion(body["version"])
            let review = try await controller.review(panelID: panelID, verdict: name == "approve" ? .approved : .rejected, version: version)
            return DashboardResponse.json(["ok": true, "review": review.json])
        }
    }

    static func requiredPanelID(_ body: JSONObject) throws(DashboardActionError) -> String {
        guard let id = body["panel_id"]?.stringValue, !id.isEmpty, id.utf8.count <= 256 else {
            throw .badRequest("panel_id is required (a panel id string)")
        }
        return id
    }

    static func optionalSeed(_ value: JSONValue?) throws(DashboardActionError) -> UInt64? {
        guard let value, !value.isNull else { return nil }
        if let seed = value.uint64Value { return seed }
        if let text = value.stringValue {
            if text.isEmpty { return nil }
            if let seed = UInt64(text) { return seed }
        }
        throw .badRequest("seed must be a whole number from 0 to 18446744073709551615")
    }

    static func optionalString(_ value: JSONValue?, field: String) throws(DashboardActionError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else { throw .badRequest("\(field) must be a string") }
        return text.isEmpty ? nil : text
    }

    static func optionalVersion(_ value: JSONValue?) throws(DashboardActionError) -> Int? {
        guard let value, !value.isNull else { return nil }
        guard let version = value.intValue, version >= 1 else { throw .badRequest("version must be a whole number from 1") }
        return version
    }
}

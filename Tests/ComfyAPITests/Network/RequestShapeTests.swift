@testable import ComfyAPI
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

@Suite("Auth headers and the base URL's path prefix reach the server on HTTP and the WebSocket upgrade", .timeLimit(.minutes(10)))
struct RequestShapeTests {
    @Test("credentials are sent on every HTTP request and on the upgrade", arguments: [
        (Authentication.bearer("s3cret"), "Authorization", "Bearer s3cret"),
        (Authentication.basic(user: "ann", password: "pw"), "Authorization", "Basic YW5uOnB3"),
        (Authentication.headers(["X-Api-Key": "k1"]), "X-Api-Key", "k1"),
    ])
    func credentials(auth: Authentication, header: String, value: String) async throws {
        let server = try await HostileServer.start { request in
            request.target.contains("/ws?") ? .body(status: 403, contentType: nil, []) : .body(status: 200, contentType: "application/json", Array("[]".utf8))
        }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, authentication: auth)) { client in
                _ = try await client.embeddings()
                do {
                    try await client.connect()
                    Issue.record("upgrade should have been refused")
                } catch ComfyError.transport(_, .webSocketRejected) {
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            let requests = server.requests
            #expect(requests.count >= 2)
            #expect(requests.contains { $0.target.hasPrefix("/ws?clientId=") })
            for request in requests {
                #expect(request.header(header) == value, "\(request.method) \(request.target)")
                #expect(request.header("Origin") == nil || request.target.hasPrefix("/ws"))
            }
        }
    }

    @Test("a path prefix is kept on every route and on the WebSocket")
    func pathPrefix() async throws {
        let server = try await HostileServer.start { request in
            request.target.contains("/ws?") ? .body(status: 404, contentType: nil, []) : .body(status: 200, contentType: "application/json", Array("{}".utf8))
        }
        try await withServer(server) { server in
            let base = URL(string: "http://127.0.0.1:\(server.port)/comfy/")!
            try await TestSupport.withClient(TestSupport.configuration(base, clientID: "cid-1")) { client in
                _ = try await client.objectInfo()
                #expect(try await client.objectInfo(nodeClass: "NoSuchNode") == nil)
                #expect(try await client.history(promptID: "a b") == nil)
                try await client.interrupt(promptID: "p")
                _ = try? await client.connect()
            }
            #expect(server.requests.map(\.target) == [
                "/comfy/object_info", "/comfy/object_info/NoSuchNode", "/comfy/history/a%20b", "/comfy/interrupt", "/comfy/ws?clientId=cid-1",
            ])
        }
    }
}

@testable import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

@Suite("Hostile replies give typed errors, never a crash", .timeLimit(.minutes(10)))
struct HostileReplyTests {
    func expectError(_ expected: (ComfyError) -> Bool, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
        do {
            try await body()
            Issue.record("expected an error", sourceLocation: sourceLocation)
        } catch let error as ComfyError {
            #expect(expected(error), "got \(error)", sourceLocation: sourceLocation)
            #expect(!error.description.contains("\n"), sourceLocation: sourceLocation)
        } catch {
            Issue.record("untyped error \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("a body that is not JSON names the route")
    func notJSON() async throws {
        let server = try await HostileServer.start { _ in .body(status: 200, contentType: "text/plain", Array("<html>proxy login</html>".utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .malformedReply(let route, "(body)", _) = $0 { return route == "GET /system_stats" }; return false }) {
                    _ = try await client.systemStats()
                }
            }
        }
    }

    @Test("valid JSON with wrong field types names the field", arguments: [
        ("/queue", #"{"queue_running": "no", "queue_pending": []}"#, "queue_running"),
        ("/system_stats", #"{"system": {}, "devices": 3}"#, "devices"),
        ("/embeddings", #"["a", 5]"#, "[1]"),
        ("/prompt", #"{"exec_info": {"queue_remaining": "many"}}"#, "exec_info.queue_remaining"),
    ])
    func wrongTypes(route: String, body: String, field: String) async throws {
        let server = try await HostileServer.start { _ in .body(status: 200, contentType: "application/json", Array(body.utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .malformedReply(_, let f, _) = $0 { return f == field }; return false }) {
                    switch route {
                    case "/queue": _ = try await client.queue()
                    case "/system_stats": _ = try await client.systemStats()
                    case "/embeddings": _ = try await client.embeddings()
                    default: _ = try await client.queueRemaining()
                    }
                }
            }
        }
    }

    @Test("history entries of the wrong shape are refused")
    func wrongHistory() async throws {
        let server = try await HostileServer.start { _ in .body(status: 200, contentType: "application/json", Array(#"{"p1": {"outputs": [1, 2]}}"#.utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .malformedReply(_, "p1.outputs", _) = $0 { return true }; return false }) {
                    _ = try await client.history(promptID: "p1")
                }
            }
        }
    }

    @Test("a truncated body is a typed transport or reply error, retried as a GET")
    func truncated() async throws {
        let server = try await HostileServer.start { _ in .truncated(declared: 5000, body: Array(#"{"queue_running": [], "queue_pen"#.utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, attempts: 2)) { client in
                await expectError({ error in
                    switch error {
                    case .transport(_, .connectionLost), .malformedReply: return true
                    default: return false
                    }
                }) { _ = try await client.queue() }
            }
            #expect(server.requests.count == 2)
        }
    }

    @Test("a 50 MB body where JSON was expected is refused at the size limit")
    func huge() async throws {
        let server = try await HostileServer.start { _ in .huge(bytes: 50 << 20) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .responseTooLarge("GET /object_info", 32 << 20) = $0 { return true }; return false }) {
                    _ = try await client.objectInfo()
                }
            }
        }
    }

    @Test("a declared oversize body is refused without reading it")
    func declaredHuge() async throws {
        let server = try await HostileServer.start { _ in .truncated(declared: 40 << 20, body: Array("[".utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .responseTooLarge = $0 { return true }; return false }) { _ = try await client.objectInfo() }
            }
        }
    }

    @Test("5xx replies are retried per policy, then reported with their body")
    func serverErrors() async throws {
        let server = try await HostileServer.start { _ in
            .body(status: 500, contentType: "text/plain; charset=utf-8", Array("500 Internal Server Error\n\nServer got itself in trouble".utf8))
        }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, attempts: 3)) { client in
                await expectError({ if case .httpStatus("GET /features", 500, let body) = $0 { return body.contains("trouble") }; return false }) {
                    _ = try await client.features()
                }
            }
            #expect(server.requests.count == 3)
        }
    }

    @Test("POSTs other than submit are not retried")
    func postsNotRetried() async throws {
        let server = try await HostileServer.start { _ in .body(status: 503, contentType: nil, []) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, attempts: 4)) { client in
                await expectError({ if case .httpStatus("POST /interrupt", 503, "") = $0 { return true }; return false }) {
                    try await client.interrupt()
                }
            }
            #expect(server.requests.count == 1)
        }
    }

    @Test("a connection closed without a reply is a transport error")
    func hangUp() async throws {
        let server = try await HostileServer.start { _ in .hangUp }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, attempts: 1)) { client in
                await expectError({ if case .transport = $0 { return true }; return false }) { _ = try await client.modelFolders() }
            }
        }
    }

    @Test("a server that never answers times out")
    func silent() async throws {
        let server = try await HostileServer.start { _ in .silent }
        try await withServer(server) { server in
            var configuration = TestSupport.configuration(server.baseURL, attempts: 1)
            configuration.requestTimeout = .milliseconds(300)
            configuration.connectTimeout = .milliseconds(300)  // the upgrade is never answered either
            try await TestSupport.withClient(configuration) { client in
                await expectError({ if case .transport(_, .timeout) = $0 { return true }; return false }) { _ = try await client.modelFolders() }
                await expectError({ if case .transport(_, .timeout) = $0 { return true }; return false }) { try await client.connect() }
            }
        }
    }

    /// The refusal is reported, not waited out: the connect timeout is an hour, beyond the suite's
    /// ten-minute time limit, so a client that waited for it (or kept retrying) would fail the test.
    @Test("nothing listening is reported as unreachable, without waiting for the connect timeout")
    func unreachable() async throws {
        let refusing = try RefusingPort()
        defer { withExtendedLifetime(refusing) {} }
        var configuration = TestSupport.configuration(refusing.url, attempts: 1)
        configuration.connectTimeout = .seconds(3600)
        try await TestSupport.withClient(configuration) { client in
            await expectError({ if case .transport(_, .unreachable) = $0 { return true }; return false }) { _ = try await client.queue() }
            await expectError({ if case .transport = $0 { return true }; return false }) { try await client.connect() }
        }
    }

    @Test("a download larger than its limit fails and leaves no partial file")
    func viewLimit() async throws {
        let server = try await HostileServer.start { _ in .body(status: 200, contentType: "image/png", [UInt8](repeating: 1, count: 3 << 20)) }
        try await withServer(server) { server in
            let destination = FileManager.default.temporaryDirectory.appendingPathComponent("comfyapi-\(UUID().uuidString).png")
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                await expectError({ if case .responseTooLarge("GET /view", 1 << 20) = $0 { return true }; return false }) {
                    try await client.view(OutputFile(nodeID: "9", filename: "a.png"), to: destination, maxBytes: 1 << 20)
                }
                await expectError({ if case .invalidArgument = $0 { return true }; return false }) {
                    try await client.view(OutputFile(nodeID: "9", filename: "../etc/passwd"), to: destination)
                }
            }
            #expect(!FileManager.default.fileExists(atPath: destination.path))
            #expect(server.requests.count == 1)
        }
    }
}

@testable import ComfyAPI
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import NIOConcurrencyHelpers
import Testing

@Suite("A submit whose reply was lost asks the server before posting again", .timeLimit(.minutes(10)))
struct SubmitRecoveryTests {
    static let workflow = EmulatorHarness.probe(seed: 1)

    @Test("a reply lost after the server queued the prompt is recovered from /queue without a second POST")
    func lostReplyQueued() async throws {
        let server = try await HostileServer.start { request in
            switch (request.method, request.target) {
            case ("POST", "/prompt"):
                return .hangUp
            case ("GET", "/queue"):
                return .body(status: 200, contentType: "application/json",
                             Array(#"{"queue_running": [[0, "p-lost", {}, {"client_id": "c"}, ["2"]]], "queue_pending": []}"#.utf8))
            default:
                return .body(status: 404, contentType: nil, [])
            }
        }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                let receipt = try await client.postPrompt(Self.workflow, promptID: "p-lost", options: SubmitOptions())
                #expect(receipt.promptID == "p-lost")
            }
            #expect(server.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("a prompt that already finished is recovered from /history")
    func lostReplyFinished() async throws {
        let server = try await HostileServer.start { request in
            switch (request.method, request.target) {
            case ("POST", "/prompt"): return .body(status: 502, contentType: "text/html", Array("<html>bad gateway</html>".utf8))
            case ("GET", "/queue"): return .body(status: 200, contentType: "application/json", Array(#"{"queue_running": [], "queue_pending": []}"#.utf8))
            case ("GET", "/history/p-done"):
                return .body(status: 200, contentType: "application/json",
                             Array(#"{"p-done": {"prompt": [3, "p-done", {}, {}, []], "outputs": {}, "status": {"status_str": "success", "completed": true, "messages": []}}}"#.utf8))
            default: return .body(status: 404, contentType: nil, [])
            }
        }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                let receipt = try await client.postPrompt(Self.workflow, promptID: "p-done", options: SubmitOptions())
                #expect(receipt.number == 3)
            }
            #expect(server.requests.filter { $0.method == "POST" }.count == 1)
        }
    }

    @Test("a prompt the server never got is posted again, once, and the body carries client and prompt ids")
    func repostWhenAbsent() async throws {
        let posts = NIOLockedValueBox(0)
        let server = try await HostileServer.start { request in
            switch (request.method, request.target) {
            case ("POST", "/prompt"):
                let n = posts.withLockedValue { $0 += 1; return $0 }
                return n == 1 ? .hangUp : .body(status: 200, contentType: "application/json", Array(#"{"prompt_id": "p-new", "number": 7, "node_errors": {}}"#.utf8))
            case ("GET", "/queue"): return .body(status: 200, contentType: "application/json", Array(#"{"queue_running": [], "queue_pending": []}"#.utf8))
            case ("GET", "/history/p-new"): return .body(status: 200, contentType: "application/json", Array("{}".utf8))
            default: return .body(status: 404, contentType: nil, [])
            }
        }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL, clientID: "cid-9")) { client in
                let receipt = try await client.postPrompt(Self.workflow, promptID: "p-new", options: SubmitOptions(front: true))
                #expect(receipt.number == 7)
            }
            #expect(server.requests.filter { $0.method == "POST" }.count == 2)
            #expect(server.requests.map(\.target) == ["/prompt", "/queue", "/history/p-new", "/prompt"])
            let body = try JSONValue.parse(try #require(server.requests.last).body)
            #expect(body["client_id"] == "cid-9")
            #expect(body["prompt_id"] == "p-new")
            #expect(body["front"] == true)
            #expect(body["extra_data"]?["client_id"] == "cid-9")
            #expect(body["prompt"]?["1"]?["class_type"] == "ProbeImage")
        }
    }

    @Test("a 200 reply with the wrong shape is not retried (the prompt may be queued)")
    func malformedAcceptance() async throws {
        let server = try await HostileServer.start { _ in .body(status: 200, contentType: "application/json", Array(#"{"prompt_id": 5, "number": "x"}"#.utf8)) }
        try await withServer(server) { server in
            try await TestSupport.withClient(TestSupport.configuration(server.baseURL)) { client in
                do {
                    _ = try await client.postPrompt(Self.workflow, promptID: "p", options: SubmitOptions())
                    Issue.record("expected a malformed reply")
                } catch ComfyError.malformedReply(let route, let field, _) {
                    #expect(route == "POST /prompt")
                    #expect(field == "prompt_id")
                }
            }
            #expect(server.requests.count == 1)
        }
    }
}

@testable import ComfyAPI
import Foundation
import Testing

@Suite("Base URLs keep their scheme and path prefix; retry delays grow and stay capped")
struct EndpointAndPolicyTests {
    @Test("a path prefix is kept on every request and on the WebSocket")
    func prefix() throws {
        let endpoint = try ServerEndpoint(URL(string: "https://gpu.example.com:8443/comfy/")!)
        #expect(endpoint.httpURL("/prompt") == "https://gpu.example.com:8443/comfy/prompt")
        #expect(endpoint.webSocketURL(clientID: "c 1") == "wss://gpu.example.com:8443/comfy/ws?clientId=c%201")
        let plain = try ServerEndpoint(URL(string: "http://127.0.0.1:8188")!)
        #expect(plain.httpURL("/view", query: [("filename", "a b&c.png"), ("subfolder", "x/y")]) ==
                "http://127.0.0.1:8188/view?filename=a%20b%26c.png&subfolder=x%2Fy")
        #expect(plain.webSocketURL(clientID: "abc") == "ws://127.0.0.1:8188/ws?clientId=abc")
    }

    @Test("unsupported base URLs are refused with a reason")
    func refused() {
        for text in ["ftp://h/", "file:///tmp/x", "http://h:1/?q=1", "/relative"] {
            #expect(throws: ComfyError.self) { try ServerEndpoint(URL(string: text)!) }
        }
    }

    @Test("back-off grows exponentially, stays within jitter and never exceeds the cap")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, initialDelay: .milliseconds(100), multiplier: 2, maxDelay: .seconds(1), jitter: 0.2)
        for _ in 0..<50 {
            let first = policy.delay(afterAttempt: 1)
            #expect(first >= .milliseconds(80) && first <= .milliseconds(120))
            let third = policy.delay(afterAttempt: 3)
            #expect(third >= .milliseconds(320) && third <= .milliseconds(480))
            #expect(policy.delay(afterAttempt: 30) <= .seconds(1))
        }
        #expect(RetryPolicy(maxAttempts: 0).maxAttempts == 1)
        #expect(RetryPolicy(jitter: 0).delay(afterAttempt: 2) == .milliseconds(400))
    }

    @Test("auth produces the expected header fields")
    func auth() {
        #expect(Authentication.bearer("t0k").headerFields.map(\.value) == ["Bearer t0k"])
        #expect(Authentication.basic(user: "u", password: "p").headerFields.first?.value == "Basic dTpw")
        #expect(Authentication.headers(["X-B": "2", "X-A": "1"]).headerFields.map(\.name) == ["X-A", "X-B"])
    }
}

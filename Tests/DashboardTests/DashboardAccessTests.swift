import Testing
@testable import StoryCoreDashboard

/// The token, origin and listen-address rules, without a server.
@Suite struct DashboardAccessTests {
    @Test func withoutATokenEveryoneIsLetIn() {
        let access = DashboardAccess(token: nil)
        #expect(!access.requiresToken)
        #expect(access.isAuthorized(authorization: nil, cookie: nil))
        #expect(!DashboardAccess(token: "").requiresToken)
    }

    @Test func withATokenOnlyTheBearerHeaderOrTheCookieLetIn() {
        let access = DashboardAccess(token: "s3cret")
        #expect(access.isAuthorized(authorization: "Bearer s3cret", cookie: nil))
        #expect(access.isAuthorized(authorization: "bearer s3cret", cookie: nil))
        #expect(access.isAuthorized(authorization: nil, cookie: "s3cret"))
        #expect(!access.isAuthorized(authorization: nil, cookie: nil))
        #expect(!access.isAuthorized(authorization: "Bearer s3cre", cookie: nil))
        #expect(!access.isAuthorized(authorization: "Bearer s3cretX", cookie: "wrong"))
        #expect(!access.isAuthorized(authorization: "Basic s3cret", cookie: nil))
        #expect(!access.isAuthorized(authorization: "s3cret", cookie: nil))
    }

    @Test func onlyTheServersOwnOriginMayPostOrUpgrade() {
        #expect(DashboardAccess.isSameOrigin(origin: nil, host: "127.0.0.1:8290"))
        #expect(DashboardAccess.isSameOrigin(origin: "http://127.0.0.1:8290", host: "127.0.0.1:8290"))
        #expect(DashboardAccess.isSameOrigin(origin: "http://LocalHost:8290", host: "localhost:8290"))
        #expect(!DashboardAccess.isSameOrigin(origin: "http://127.0.0.1:8291", host: "127.0.0.1:8290"))
        #expect(!DashboardAccess.isSameOrigin(origin: "https://127.0.0.1:8290", host: "127.0.0.1:8290"))
        #expect(!DashboardAccess.isSameOrigin(origin: "http://evil.example", host: "127.0.0.1:8290"))
        #expect(!DashboardAccess.isSameOrigin(origin: "null", host: "127.0.0.1:8290"))
        #expect(!DashboardAccess.isSameOrigin(origin: "http://127.0.0.1:8290", host: nil))
        #expect(DashboardAccess.isSameOrigin(origin: "ws://127.0.0.1", host: "127.0.0.1:8290"), "swift-websocket's form")
        #expect(!DashboardAccess.isSameOrigin(origin: "ws://evil.example", host: "127.0.0.1:8290"))
        #expect(!DashboardAccess.isSameOrigin(origins: ["ws://127.0.0.1", "http://evil.example"], host: "127.0.0.1:8290"),
                "one foreign Origin among several refuses the request")
    }

    @Test func listenAddressesParseWithLoopbackAsTheDefaultHost() throws {
        for (text, host, port) in [("8290", "127.0.0.1", 8290), ("0.0.0.0:9000", "0.0.0.0", 9000), ("[::1]:0", "::1", 0)] {
            let parsed = try DashboardConfiguration.parseListen(text)
            #expect(parsed.host == host && parsed.port == port, "\(text)")
        }
        for bad in ["", "host:", ":80", "abc", "1.2.3.4:70000", "::1:80", "[::1]80"] {
            #expect(throws: DashboardError.self, "\(bad)") { try DashboardConfiguration.parseListen(bad) }
        }
    }

    @Test func aNonLoopbackAddressWithoutATokenIsRefusedWithOneLine() throws {
        #expect(throws: Never.self) { try DashboardConfiguration(host: "127.0.0.1", port: 1).validate() }
        #expect(throws: Never.self) { try DashboardConfiguration(host: "localhost", port: 1).validate() }
        #expect(throws: Never.self) { try DashboardConfiguration(host: "0.0.0.0", port: 1, token: "t").validate() }
        do {
            try DashboardConfiguration(host: "0.0.0.0", port: 1).validate()
            Issue.record("a non-loopback address without a token was accepted")
        } catch {
            #expect(error.description.contains("--dashboard-token"))
            #expect(!error.description.contains("\n"))
        }
        #expect(DashboardConfiguration.isLoopback("127.1.2.3"))
        #expect(!DashboardConfiguration.isLoopback("127.0.0.1.evil.example"))
        #expect(!DashboardConfiguration.isLoopback("192.168.1.2"))
    }
}

@testable import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import NIOSSL
import Testing

@Suite("https and wss work with a trusted certificate and fail as TLS errors without one", .timeLimit(.minutes(10)))
struct TLSTests {
    static let directory = Repository.fixtures.appendingPathComponent("tls")
    static let certificate = directory.appendingPathComponent("localhost-cert.pem").path
    static let key = directory.appendingPathComponent("localhost-key.pem").path

    /// The emulator's URL with `localhost` for `127.0.0.1` (the fixture certificate lists both).
    static func byName(_ url: URL) -> URL {
        URL(string: url.absoluteString.replacingOccurrences(of: "127.0.0.1", with: "localhost"))!
    }

    /// A client configuration trusting `certificate` alone.
    static func trusting(_ certificate: String) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(certificate))
        return tls
    }

    /// Runs `body` against an emulator serving TLS on `host` with a certificate made now for `subjectAltName`,
    /// with a client for the emulator's IP URL that trusts that certificate.
    static func withIPEmulator(host: String = "127.0.0.1", subjectAltName: String, retry: RetryPolicy? = nil,
                               _ body: (ComfyEmulator, ComfyClient, TestCertificate) async throws -> Void) async throws {
        let folder = try Repository.temporaryFolder("comfyapi-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let made = try await TestCertificate.make(in: folder, name: "server", subjectAltName: subjectAltName)
        let trusted = try trusting(made.certificate)
        try await EmulatorHarness.run(EmulatorConfiguration(host: host, timing: .instant,
                                                            tls: EmulatorTLS(certificatePath: made.certificate, privateKeyPath: made.privateKey)),
                                      client: { $0.tlsConfiguration = trusted; if let retry { $0.retry = retry } }) { emulator, client in
            try await body(emulator, client, made)
        }
    }

    /// Runs a probe prompt and checks its events came over the socket and its image downloads.
    static func runAndDownload(_ client: ComfyClient) async throws {
        let (events, outcome) = await EmulatorHarness.collect(try await client.run(EmulatorHarness.probe(steps: 3)))
        #expect(await client.isConnected, "the events came over wss")
        #expect(events.contains { if case .progress = $0 { return true } else { return false } }, "progress arrives over wss: \(events)")
        let result = try outcome.get()
        let file = try #require(result.files.first)
        let folder = try Repository.temporaryFolder("comfyapi-tls")
        defer { try? FileManager.default.removeItem(at: folder) }
        let target = folder.appendingPathComponent("image.png")
        let bytes = try await client.view(file, to: target)
        let data = try Data(contentsOf: target)
        #expect(bytes > 0 && data.count == bytes)
        #expect(Array(data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47], "a PNG came over https")
    }

    @Test("https and wss to 127.0.0.1 work when the certificate lists IP:127.0.0.1")
    func ipv4ByAddress() async throws {
        try await Self.withIPEmulator(subjectAltName: "IP:127.0.0.1") { emulator, client, _ in
            #expect(await emulator.baseURL.absoluteString.hasPrefix("https://127.0.0.1:"))
            _ = try await client.systemStats()
            try await client.connect()
            try await Self.runAndDownload(client)
            let names = await emulator.tlsServerNames
            #expect(names.count >= 2 && names.allSatisfy { $0 == nil }, "no SNI for an IP, on HTTP and on wss: \(names)")
        }
    }

    @Test("https and wss to [::1] work when the certificate lists IP:::1",
          .enabled(if: IPv6Loopback.available, "this machine has no IPv6 loopback (::1)"))
    func ipv6ByAddress() async throws {
        try await Self.withIPEmulator(host: "::1", subjectAltName: "IP:::1") { emulator, client, _ in
            #expect(await emulator.baseURL.absoluteString.hasPrefix("https://[::1]:"))
            _ = try await client.systemStats()
            try await client.connect()
            try await Self.runAndDownload(client)
            let names = await emulator.tlsServerNames
            #expect(names.count >= 2 && names.allSatisfy { $0 == nil }, "no SNI for an IP, on HTTP and on wss: \(names)")
        }
    }

    @Test("a trusted certificate that lists only DNS:localhost is refused for https://127.0.0.1 in one line, nothing submitted")
    func certificateWithoutTheIP() async throws {
        try await Self.withIPEmulator(subjectAltName: "DNS:localhost") { emulator, client, made in
            let expected = ComfyError.transport(server: client.server, .certificateDoesNotListIP("127.0.0.1"))
            do throws(ComfyError) {
                _ = try await client.systemStats()
                Issue.record("a certificate without the IP was accepted over https")
            } catch {
                #expect(error == expected)
                #expect(error.description == "TLS: certificate of 127.0.0.1 does not list this IP address")
                #expect(!error.isTransient)
            }
            do throws(ComfyError) {
                try await client.connect()
                Issue.record("a certificate without the IP was accepted over wss")
            } catch {
                #expect(error == expected)
            }
            do throws(ComfyError) {
                _ = try await client.submit(EmulatorHarness.probe())
                Issue.record("a prompt was submitted over https to a certificate without the IP")
            } catch {
                #expect(error == expected)
            }
            #expect(await emulator.executedPromptCount == 0)
            // The same certificate is fine by the name it lists: the refusal is about the address alone.
            var byName = TestSupport.configuration(Self.byName(await emulator.baseURL))
            byName.tlsConfiguration = try Self.trusting(made.certificate)
            try await TestSupport.withClient(byName) { client in
                _ = try await client.systemStats()
                try await client.connect()
            }
            let names = await emulator.tlsServerNames
            #expect(names.contains("localhost") && names.contains(nil), "SNI is sent for a name, never for the IP: \(names)")
            #expect(!names.contains("127.0.0.1"))
        }
    }

    @Test("https to 127.0.0.1 still verifies the chain: an untrusted certificate listing the IP is a TLS error")
    func ipStillVerifiesTheChain() async throws {
        try await Self.withIPEmulator(subjectAltName: "IP:127.0.0.1", retry: .never) { _, client, _ in
            let untrusted = try ComfyClient(configuration: TestSupport.configuration(client.configuration.baseURL, attempts: 1),
                                            logger: TestSupport.logger)
            do {
                _ = try await untrusted.systemStats()
                Issue.record("an untrusted certificate was accepted over https")
            } catch ComfyError.transport(_, .tls) {
            } catch {
                Issue.record("unexpected \(error)")
            }
            do {
                try await untrusted.connect()
                Issue.record("an untrusted certificate was accepted over wss")
            } catch ComfyError.transport(_, .tls) {
            } catch {
                Issue.record("unexpected \(error)")
            }
            await untrusted.shutdown()
        }
    }

    @Test("a prompt runs end to end over https and wss")
    func secureRun() async throws {
        var trusted = TLSConfiguration.makeClientConfiguration()
        trusted.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(Self.certificate))
        try await EmulatorHarness.run(EmulatorConfiguration(tls: EmulatorTLS(certificatePath: Self.certificate, privateKeyPath: Self.key)),
                                      client: { $0.tlsConfiguration = trusted; $0.baseURL = Self.byName($0.baseURL) }) { emulator, client in
            #expect(await emulator.baseURL.scheme == "https")
            let result = try await client.run(EmulatorHarness.probe()).result()
            #expect(!result.files.isEmpty)
            #expect(await client.isConnected)
        }
    }

    @Test("an untrusted certificate is a TLS error on HTTP and on the socket")
    func untrusted() async throws {
        try await EmulatorHarness.run(EmulatorConfiguration(tls: EmulatorTLS(certificatePath: Self.certificate, privateKeyPath: Self.key)),
                                      client: { $0.retry = .never; $0.baseURL = Self.byName($0.baseURL) }) { _, client in
            do {
                _ = try await client.systemStats()
                Issue.record("expected a TLS failure")
            } catch ComfyError.transport(_, .tls) {
            } catch {
                Issue.record("unexpected \(error)")
            }
            do {
                try await client.connect()
                Issue.record("expected a TLS failure")
            } catch ComfyError.transport(_, let failure) {
                if case .tls = failure {} else { Issue.record("unexpected \(failure)") }
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }
}

@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOSSL
import Testing

@Suite("https and wss work with a trusted certificate and fail as TLS errors without one", .timeLimit(.minutes(1)))
struct TLSTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tls")
    static let certificate = directory.appendingPathComponent("localhost-cert.pem").path
    static let key = directory.appendingPathComponent("localhost-key.pem").path

    /// The emulator's URL with `localhost` for `127.0.0.1`: the certificate names localhost, and TLS to an IP is refused.
    static func byName(_ url: URL) -> URL {
        URL(string: url.absoluteString.replacingOccurrences(of: "127.0.0.1", with: "localhost"))!
    }

    @Test("https to an IP address is refused at construction with a reason")
    func ipRefused() {
        #expect(throws: ComfyError.self) { try ComfyClient(configuration: .init(baseURL: URL(string: "https://127.0.0.1:8443")!)) }
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

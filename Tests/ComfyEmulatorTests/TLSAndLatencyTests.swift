import AsyncHTTPClient
import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

@Suite("TLS and simulated latency")
struct TLSAndLatencyTests {
    @Test func latencyDelaysEveryReplyAndFrame() async throws {
        try await Emulators.with(.init(timing: .instant, latency: .milliseconds(150))) { emulator, http in
            let start = ContinuousClock.now
            let reply = try await http.get("/prompt")
            #expect(reply.status == 200)
            #expect(ContinuousClock.now - start >= .milliseconds(150))
            let socketStart = ContinuousClock.now
            let socket = await TestSocket(port: await emulator.port, clientID: "slow")
            #expect(await socket.next().type == "status")
            #expect(ContinuousClock.now - socketStart >= .milliseconds(150))
            await socket.close()
        }
    }

    /// A throwaway self-signed certificate for 127.0.0.1, made with the system's `openssl`.
    static func makeCertificate(in dir: URL) async throws -> (cert: String, key: String)? {
        let cert = dir.appendingPathComponent("cert.pem").path, key = dir.appendingPathComponent("key.pem").path
        for candidate in ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"] where FileManager.default.isExecutableFile(atPath: candidate) {
            let (status, _, stderr) = try await PythonClientTests.run(URL(fileURLWithPath: candidate), [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
            ])
            #expect(status == 0, "openssl failed: \(stderr)")
            return status == 0 ? (cert, key) : nil
        }
        return nil
    }

    @Test func servesHTTPSWithTheGivenCertificate() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("emulator-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        guard let files = try await Self.makeCertificate(in: dir) else {
            Issue.record("openssl is not installed, so no certificate could be made for the TLS test")
            return
        }
        let emulator = ComfyEmulator(configuration: .init(timing: .instant, tls: EmulatorTLS(certificatePath: files.cert, privateKeyPath: files.key)),
                                     logger: Emulators.logger)
        try await emulator.start()
        let base = await emulator.baseURL
        #expect(base.scheme == "https")
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(files.cert))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(tlsConfiguration: tls))
        do {
            let response = try await client.execute(HTTPClientRequest(url: base.absoluteString + "/system_stats"), timeout: .seconds(10))
            #expect(response.status.code == 200)
            let body = try await response.body.collect(upTo: 1 << 20)
            #expect(try JSONValue.parse(Array(buffer: body))["system"]?["comfyui_version"] == "0.8.0")
        } catch {
            Issue.record("HTTPS request failed: \(error)")
        }
        try await client.shutdown()
        await emulator.stop()
    }

    @Test func unreadableCertificatesFailToStartWithTheFileNamed() async throws {
        let emulator = ComfyEmulator(configuration: .init(tls: EmulatorTLS(certificatePath: "/nonexistent/cert.pem", privateKeyPath: "/nonexistent/key.pem")),
                                     logger: Emulators.logger)
        do {
            try await emulator.start()
            Issue.record("start() should have failed")
            await emulator.stop()
        } catch let error as EmulatorError {
            #expect(error.description.contains("/nonexistent/cert.pem"))
        }
    }

    @Test func aBusyPortIsReportedWithTheAddress() async throws {
        try await Emulators.with { emulator, _ in
            let port = await emulator.port
            let second = ComfyEmulator(configuration: .init(port: port), logger: Emulators.logger)
            do {
                try await second.start()
                Issue.record("a second emulator bound the same port")
                await second.stop()
            } catch let error as EmulatorError {
                #expect(error.description.contains("127.0.0.1:\(port)"))
            }
        }
    }
}

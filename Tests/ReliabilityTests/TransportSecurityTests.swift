import ComfyAPI
import ComfyChaos
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Logging
import NIOSSL
import StoryCore
import Testing

/// https and wss against an emulator serving TLS with a self-signed certificate: trusted when its CA
/// is given, refused with a clear message otherwise; credentials never leak into errors or files.
@Suite("TLS is verified and credentials never leak")
struct TransportSecurityTests {
    static let token = "sk-live-RELIABILITY-7f3a9c1e5b"

    static func tlsEmulatorConfiguration(_ cert: TestCertificate) -> EmulatorConfiguration {
        EmulatorConfiguration(timing: .instant, tls: EmulatorTLS(certificatePath: cert.certificate, privateKeyPath: cert.privateKey))
    }

    /// The emulator's https URL by host name, so these tests check a name the certificate lists (https by IP,
    /// checked against the certificate's IP subjectAltName, is covered by ComfyAPITests' TLSTests).
    static func byName(_ emulator: ComfyEmulator) async -> URL {
        URL(string: "https://localhost:\(await emulator.port)")!
    }

    static func trusting(_ cert: TestCertificate) throws -> TLSConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(cert.certificate))
        return tls
    }

    @Test func httpsAndWSSWorkWhenTheSelfSignedCertificateIsTrusted() async throws {
        let folder = try Fixtures.scratch("tls-ok")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let project = try ChaosProject.create(in: folder.appendingPathComponent("project"), panels: 2)
        try await Emulators.with(count: 1, configuration: Self.tlsEmulatorConfiguration(cert)) { emulators in
            #expect(await emulators[0].baseURL.scheme == "https")
            let url = await Self.byName(emulators[0])
            let client = try ComfyClient(configuration: .init(baseURL: url, authentication: .bearer(Self.token), tlsConfiguration: try Self.trusting(cert)))
            _ = try await client.systemStats()
            try await client.connect()
            #expect(await client.isConnected)
            let graph = try Workflow(contentsOf: project.workflowFile)
            let result = try await client.submit(graph).result()
            #expect(!result.files.isEmpty)
            await client.shutdown()

            var options = await Emulators.options(emulators, workflow: project.workflowFile)
            options.servers = options.servers.map { server in
                var server = server
                server.baseURL = url
                server.tlsConfiguration = try? Self.trusting(cert)
                server.authentication = .bearer(Self.token)
                return server
            }
            let summary = try await Renderer(project: try Project.load(from: project.directory), options: options).run()
            #expect(summary.failures.isEmpty, "\(summary.failures)")
            #expect(summary.rendered == 2)
        }
        let manifest = try String(contentsOf: project.directory.appendingPathComponent("outputs/manifest.json"), encoding: .utf8)
        #expect(!manifest.contains(Self.token))
        let projectFile = try String(contentsOf: project.directory.appendingPathComponent("project.json"), encoding: .utf8)
        #expect(!projectFile.contains(Self.token))
    }

    @Test func anUntrustedCertificateIsRefusedWithAClearMessage() async throws {
        let folder = try Fixtures.scratch("tls-untrusted")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let other = try await TestCertificate.make(in: folder, name: "other")
        try await Emulators.with(count: 1, configuration: Self.tlsEmulatorConfiguration(cert)) { emulators in
            let url = await Self.byName(emulators[0])
            for tls in [nil, try Self.trusting(other)] as [TLSConfiguration?] {
                let client = try ComfyClient(configuration: .init(baseURL: url, authentication: .bearer(Self.token), connectTimeout: .seconds(60),
                                                                  retry: .never, tlsConfiguration: tls))
                do throws(ComfyError) {
                    _ = try await client.systemStats()
                    Issue.record("an untrusted certificate was accepted")
                } catch {
                    guard case .transport(_, .tls) = error else { Issue.record("not a TLS error: \(error)"); await client.shutdown(); continue }
                    #expect(error.description.contains("TLS"), "\(error)")
                    #expect(!error.description.contains("\n"))
                    #expect(!error.description.contains(Self.token))
                }
                do throws(ComfyError) {
                    try await client.connect()
                    Issue.record("wss with an untrusted certificate connected")
                } catch {
                    #expect(!error.description.contains(Self.token))
                }
                await client.shutdown()
            }
        }
    }

    @Test func tokensNeverAppearInErrorsOrLogs() async throws {
        let logs = LogCapture()
        try await Emulators.with(count: 1) { emulators in
            await emulators[0].setFaults(FaultPlan(http500Rate: 1, seed: 3))
            var logger = Logger(label: "capture", factory: { _ in logs.handler() })
            logger.logLevel = .trace
            for auth in [Authentication.bearer(Self.token), .basic(user: "studio", password: Self.token), .headers(["X-Api-Key": Self.token])] {
                let client = try ComfyClient(configuration: .init(baseURL: await emulators[0].baseURL, authentication: auth,
                                                                  retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(5))), logger: logger)
                do throws(ComfyError) { _ = try await client.queue() } catch {
                    #expect(error.isTransient)
                    #expect(!error.description.contains(Self.token))
                    #expect(!"\(error)".contains(Self.token) && !String(reflecting: error).contains(Self.token))
                }
                await client.shutdown()
            }
            let refusing = try RefusingPort()
            let unreachable = try ComfyClient(configuration: .init(baseURL: refusing.url, authentication: .bearer(Self.token),
                                                                   connectTimeout: .seconds(60), retry: .never), logger: logger)
            do { _ = try await unreachable.systemStats() } catch { #expect(!String(reflecting: error).contains(Self.token)) }
            await unreachable.shutdown()
            withExtendedLifetime(refusing) {}
        }
        #expect(!logs.text.contains(Self.token))
    }

    @Test func theCommandLineTrustsCACertAndNeverPrintsTheToken() async throws {
        let executable = try #require(Fixtures.comfybridge, "build the comfybridge product first")
        let folder = try Fixtures.scratch("tls-cli")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cert = try await TestCertificate.make(in: folder)
        let project = try ChaosProject.create(in: folder.appendingPathComponent("project"), panels: 2)
        try await Emulators.with(count: 1, configuration: Self.tlsEmulatorConfiguration(cert)) { emulators in
            let url = await Self.byName(emulators[0]).absoluteString
            let runner = CommandRunner(executable: executable)
            let refused = try await runner.run(["render", project.directory.path, "--server", url, "--workflow", project.workflowFile.path,
                                                "--token", Self.token, "--verbose"])
            #expect(refused.status == 3, "\(refused.stderr)")
            let errors = refused.errorLines.filter { $0.hasPrefix("comfybridge: error:") }
            #expect(errors.count == 1, "\(refused.errorLines)")
            #expect(errors.first?.contains("TLS") == true && errors.first?.contains("--ca-cert") == true, "\(errors)")
            #expect(!(refused.stdout + refused.stderr).contains(Self.token))

            let trusted = try await runner.run(["render", project.directory.path, "--server", url, "--workflow", project.workflowFile.path,
                                                "--ca-cert", cert.certificate, "--verbose"],
                                               environment: ["COMFYUI_TOKEN": Self.token])
            #expect(trusted.status == 0, "\(trusted.stderr)")
            #expect(!(trusted.stdout + trusted.stderr).contains(Self.token))
        }
        let manifest = try String(contentsOf: project.directory.appendingPathComponent("outputs/manifest.json"), encoding: .utf8)
        #expect(!manifest.contains(Self.token))
        #expect(manifest.contains("\"completed\""))
    }
}

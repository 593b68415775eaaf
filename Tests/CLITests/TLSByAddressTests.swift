import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Testing

/// `comfybridge run` against an emulator serving https on 127.0.0.1, addressed by its IP, with a certificate
/// made for the test: one that lists `IP:127.0.0.1` is used (image downloaded, events over wss), one that
/// lists only `DNS:localhost` is refused in one line with exit 3 before anything is queued.
@Suite("https to a server addressed by IP verifies the certificate's IP")
struct TLSByAddressTests {
    /// An emulator serving https on 127.0.0.1 with a certificate made now for `subjectAltName`.
    static func emulator(in folder: URL, subjectAltName: String) async throws -> (ComfyEmulator, certificate: String) {
        let made = try await TestCertificate.make(in: folder, subjectAltName: subjectAltName)
        let emulator = try await Fixtures.emulator(EmulatorConfiguration(
            timing: .instant, tls: EmulatorTLS(certificatePath: made.certificate, privateKeyPath: made.privateKey)))
        return (emulator, made.certificate)
    }

    @Test func runByIPDownloadsTheImageAndFollowsEventsOverWSS() async throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (emulator, certificate) = try await Self.emulator(in: folder, subjectAltName: "IP:127.0.0.1")
        let url = await emulator.baseURL.absoluteString
        #expect(url.hasPrefix("https://127.0.0.1:"))
        let result = try await ChildProcess.run(["run", Fixtures.sdxlWorkflow.path, "--server", url, "--ca-cert", certificate,
                                                 "--steps", "3", "--out", "images", "--json"], in: folder)
        await emulator.stop()
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let events = Fixtures.jsonObjects(result.lines)
        #expect(events.contains { $0["event"]?.stringValue == "progress" && $0["total"]?.intValue == 3 },
                "progress comes only over the WebSocket: \(result.stdout)")
        let completed = try #require(events.last)
        #expect(completed["event"]?.stringValue == "completed")
        let file = try #require(completed["files"]?.arrayValue?.first)
        let data = try Data(contentsOf: URL(fileURLWithPath: try #require(file["path"]?.stringValue)))
        #expect(data.count == file["bytes"]?.intValue)
        #expect(Array(data.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test func aCertificateWithoutTheIPIsRefusedInOneLineWithExit3AndNothingQueued() async throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let (emulator, certificate) = try await Self.emulator(in: folder, subjectAltName: "DNS:localhost")
        let port = await emulator.port
        let result = try await ChildProcess.run(["run", Fixtures.sdxlWorkflow.path, "--server", "https://127.0.0.1:\(port)",
                                                 "--ca-cert", certificate, "--steps", "3", "--out", "images", "--json"], in: folder)
        // The same certificate by the name it lists: the server is fine, and its history is empty.
        let history = try await ChildProcess.run(["history", "--server", "https://localhost:\(port)", "--ca-cert", certificate, "--json"],
                                                  in: folder)
        let executed = await emulator.executedPromptCount
        await emulator.stop()
        #expect(result.status == 3, "stderr: \(result.stderr)")
        #expect(result.stderr == "comfybridge: error: TLS: certificate of 127.0.0.1 does not list this IP address\n")
        #expect(result.stdout.isEmpty, "nothing was queued: \(result.stdout)")
        #expect(executed == 0)
        #expect(history.status == 0, "stderr: \(history.stderr)")
        #expect(history.stdout.isEmpty, "the server's history is empty: \(history.stdout)")
        let images = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("images").path)) ?? []
        #expect(images.isEmpty, "nothing was downloaded: \(images)")
    }
}

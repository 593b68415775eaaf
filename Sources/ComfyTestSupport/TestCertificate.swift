import Foundation
import ProcessSupport

/// A throwaway self-signed certificate and its key, made by the system's `openssl` for one test.
public struct TestCertificate: Sendable {
    /// The PEM certificate's path (also the CA to trust: it signs itself).
    public let certificate: String
    /// The PEM private key's path.
    public let privateKey: String

    /// Makes a one-day P-256 certificate whose subjectAltName is `subjectAltName` (e.g. `IP:127.0.0.1`,
    /// `DNS:localhost`, or both separated by a comma) in `folder`, as `<name>-cert.pem` and `<name>-key.pem`.
    ///
    /// - Throws: ``TestSupportError/certificate(_:)`` when `openssl` is missing or fails.
    public static func make(in folder: URL, name: String = "server",
                            subjectAltName: String = "IP:127.0.0.1,DNS:localhost") async throws(TestSupportError) -> TestCertificate {
        guard let openssl = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"]
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw .certificate("openssl is needed to make the test certificate and was not found")
        }
        let certificate = folder.appendingPathComponent("\(name)-cert.pem").path
        let key = folder.appendingPathComponent("\(name)-key.pem").path
        let finished: TestProcess.Finished
        do {
            finished = try await TestProcess.run(URL(fileURLWithPath: openssl), [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=comfybridge test \(name)",
                "-addext", "subjectAltName=\(subjectAltName)",
            ], timeout: .seconds(120))
        } catch {
            throw .certificate("\(error)")
        }
        guard finished.status == 0 else { throw .certificate(finished.stderr) }
        return TestCertificate(certificate: certificate, privateKey: key)
    }
}

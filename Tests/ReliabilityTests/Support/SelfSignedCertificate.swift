import Foundation

/// A throwaway self-signed certificate for 127.0.0.1, made with the system's `openssl` at test time.
struct SelfSignedCertificate {
    let certificate: URL
    let privateKey: URL

    /// Generates a P-256 key and a one-day certificate whose subject alternative names are 127.0.0.1 and localhost.
    static func make(in folder: URL, name: String = "server") throws -> SelfSignedCertificate {
        let cert = folder.appendingPathComponent("\(name)-cert.pem")
        let key = folder.appendingPathComponent("\(name)-key.pem")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key.path, "-out", cert.path, "-days", "1", "-subj", "/CN=127.0.0.1",
                             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteUnknown) }
        return SelfSignedCertificate(certificate: cert, privateKey: key)
    }
}

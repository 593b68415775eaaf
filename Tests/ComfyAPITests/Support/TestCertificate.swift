import Foundation
import Testing
#if canImport(Glibc)
import Glibc
private let streamSocket = Int32(SOCK_STREAM.rawValue)
#elseif canImport(Darwin)
import Darwin
private let streamSocket = SOCK_STREAM
#endif

/// A throwaway self-signed certificate and its key, made by the system's `openssl` for one test.
struct TestCertificate {
    /// The PEM certificate (also the CA to trust: it signs itself).
    let certificate: String
    /// The PEM private key.
    let privateKey: String

    /// Why no certificate could be made.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    /// Makes a one-day P-256 certificate whose subjectAltName is `subjectAltName` (e.g. `IP:127.0.0.1`,
    /// `DNS:localhost`) in `folder`, under `name`.
    static func make(in folder: URL, name: String, subjectAltName: String) throws -> TestCertificate {
        let openssl = try #require(["/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }, "openssl is needed to make the test certificate")
        let certificate = folder.appendingPathComponent("\(name)-cert.pem").path
        let key = folder.appendingPathComponent("\(name)-key.pem").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: openssl)
        process.arguments = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                             "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=comfybridge test \(name)",
                             "-addext", "subjectAltName=\(subjectAltName)"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Unavailable(description: "openssl failed: \(String(decoding: message, as: UTF8.self))")
        }
        return TestCertificate(certificate: certificate, privateKey: key)
    }

    /// A new empty temporary folder.
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("comfyapi-tls-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Whether this machine can listen on the IPv6 loopback address `::1`.
enum IPv6Loopback {
    /// True when a socket binds to `[::1]:0`.
    static let available: Bool = {
        let descriptor = socket(AF_INET6, streamSocket, 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_addr = in6addr_loopback
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) == 0 }
        }
    }()
}

import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A loopback TCP port that refuses every connection for as long as this value lives.
///
/// The port is bound but never listened on, so a connection to it is refused at once and no other socket
/// (an emulator of a concurrently running test, say) can be given it meanwhile. That makes it the reliable
/// way to name "a server that is not there"; a port released after use can be reused by anyone.
public final class RefusingPort: Sendable {
    /// The port number on 127.0.0.1.
    public let port: Int
    private let descriptor: Int32

    /// Binds a fresh loopback port chosen by the system.
    /// - Throws: `EmulatorError.bind` when no socket could be bound.
    public init() throws(EmulatorError) {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw EmulatorError.bind(host: "127.0.0.1", port: 0, reason: String(cString: strerror(errno))) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) }
        }
        var actual = sockaddr_in()
        var actualSize = size
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &actualSize) }
        }
        guard bound == 0, named == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw EmulatorError.bind(host: "127.0.0.1", port: 0, reason: reason)
        }
        descriptor = fd
        port = Int(UInt16(bigEndian: actual.sin_port))
    }

    /// `http://127.0.0.1:<port>`.
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    deinit { close(descriptor) }
}

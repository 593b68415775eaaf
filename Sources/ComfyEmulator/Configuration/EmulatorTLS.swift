import Foundation

/// A certificate and private key that make the emulator serve `https://` and `wss://`.
public struct EmulatorTLS: Sendable, Hashable {
    /// Path of the PEM certificate chain file.
    public var certificatePath: String
    /// Path of the PEM private key file.
    public var privateKeyPath: String

    /// Creates a TLS setting from two PEM file paths; they are read when the emulator starts.
    public init(certificatePath: String, privateKeyPath: String) {
        self.certificatePath = certificatePath
        self.privateKeyPath = privateKeyPath
    }
}

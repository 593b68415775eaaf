import ArgumentParser
import ComfyAPI
import Foundation
import NIOSSL

/// `--server URL` (repeatable) and `--token`, with `$COMFYUI_URL`, `$COMFYUI_TOKEN` and
/// `http://127.0.0.1:8188` as defaults.
struct ServerOptions: ParsableArguments {
    @Option(name: .customLong("server"),
            help: ArgumentHelp("ComfyUI base URL; repeat for several servers (default $COMFYUI_URL, then http://127.0.0.1:8188).",
                               valueName: "url"))
    var servers: [String] = []

    @Option(name: .long, help: ArgumentHelp("Bearer token for servers behind an authenticating proxy (default $COMFYUI_TOKEN).",
                                            valueName: "token"))
    var token: String?

    @Option(name: .customLong("ca-cert"), help: ArgumentHelp("PEM file of a private CA to trust for https:// servers.", valueName: "pem-file"))
    var caCertificate: String?

    /// The default server when none is given.
    static let defaultURL = "http://127.0.0.1:8188"

    /// True when the user named a server (flag or `$COMFYUI_URL`).
    var isExplicit: Bool { !servers.isEmpty || Self.environmentURL != nil }

    private static var environmentURL: String? {
        ProcessInfo.processInfo.environment["COMFYUI_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The servers' base URLs as given (flags, else the environment, else the default), checked.
    func urls() throws(CommandFailure) -> [URL] {
        let given = servers.isEmpty ? [Self.environmentURL ?? Self.defaultURL] : servers
        var urls: [URL] = []
        for text in given {
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
                  let host = url.host, !host.isEmpty else {
                let source = servers.isEmpty ? "$COMFYUI_URL" : "--server"
                throw .badInput("\(source) '\(text)': expected an http:// or https:// URL with a host, like \(Self.defaultURL)")
            }
            guard !urls.contains(url) else { throw .badInput("--server '\(text)' is given twice") }
            urls.append(url)
        }
        return urls
    }

    /// The bearer token from `--token`, else `$COMFYUI_TOKEN`.
    var resolvedToken: String? {
        if let token, !token.isEmpty { return token }
        return ProcessInfo.processInfo.environment["COMFYUI_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A client configuration per server, with the token as bearer authentication.
    func configurations() throws(CommandFailure) -> [ComfyClient.Configuration] {
        let authentication: Authentication = resolvedToken.map { .bearer($0) } ?? .none
        let tls = try tlsConfiguration()
        return try urls().map { ComfyClient.Configuration(baseURL: $0, authentication: authentication, tlsConfiguration: tls) }
    }

    /// The client TLS configuration trusting `--ca-cert`, or nil for the system trust store.
    func tlsConfiguration() throws(CommandFailure) -> TLSConfiguration? {
        guard let caCertificate else { return nil }
        guard FileManager.default.isReadableFile(atPath: caCertificate) else {
            throw .badInput("--ca-cert \(caCertificate): no such readable file")
        }
        let certificates: [NIOSSLCertificate]
        do { certificates = try NIOSSLCertificate.fromPEMFile(caCertificate) } catch {
            throw .badInput("--ca-cert \(caCertificate): not a PEM certificate file (\(error))")
        }
        guard !certificates.isEmpty else { throw .badInput("--ca-cert \(caCertificate): holds no PEM certificate") }
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates(certificates)
        return configuration
    }

    /// The one server of a single-server command; more than one `--server` is bad input.
    func single(command: String) throws(CommandFailure) -> ComfyClient.Configuration {
        let all = try configurations()
        guard all.count == 1, let first = all.first else {
            throw .badInput("\(command) talks to one server; give --server once")
        }
        return first
    }

    /// A description of the configuration for `--verbose`, the token masked.
    func summary() -> String {
        let list = (try? urls().map(\.absoluteString).joined(separator: ", ")) ?? servers.joined(separator: ", ")
        return "servers: \(list); token: \(resolvedToken == nil ? "none" : "****")"
    }
}

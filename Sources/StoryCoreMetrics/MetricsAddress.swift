/// Where `/metrics` is served: `[HOST:]PORT`, the host 127.0.0.1 unless given, port 0 for any free port.
public struct MetricsAddress: Sendable, Hashable, CustomStringConvertible {
    /// The host or address to bind (`127.0.0.1`, `0.0.0.0`, `::1`, a host name).
    public var host: String
    /// The port (0: a free port chosen when binding).
    public var port: Int

    /// An address from its parts.
    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `[HOST:]PORT`; an IPv6 host is bracketed (`[::1]:9464`).
    public init(parsing text: String) throws(MetricsError) {
        let trimmed = text.trimmingCharacters(in: " \t")
        var host = "127.0.0.1"
        var portText = Substring(trimmed)
        if trimmed.hasPrefix("[") {
            guard let close = trimmed.firstIndex(of: "]"), trimmed[trimmed.index(after: close)...].hasPrefix(":") else {
                throw .badAddress(text, reason: "a bracketed IPv6 host needs ]:PORT after it")
            }
            host = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            portText = trimmed[trimmed.index(close, offsetBy: 2)...]
        } else if let colon = trimmed.lastIndex(of: ":") {
            host = String(trimmed[..<colon])
            portText = trimmed[trimmed.index(after: colon)...]
            guard !host.contains(":") else { throw .badAddress(text, reason: "an IPv6 host must be in brackets, as [::1]:9464") }
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else {
            throw .badAddress(text, reason: "the host is empty or not a host name")
        }
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port) else {
            throw .badAddress(text, reason: "the port must be a number from 0 to 65535")
        }
        self.init(host: host, port: port)
    }

    /// `host:port` (the host bracketed when it is IPv6).
    public var description: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}

private extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = Substring(self)
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Why the metrics endpoint cannot be served; `description` is one line for people.
public enum MetricsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `--metrics` was not `[HOST:]PORT`.
    case badAddress(String, reason: String)
    /// The listener could not bind.
    case bind(address: String, reason: String)

    /// One line naming the address and what is wrong.
    public var description: String {
        switch self {
        case .badAddress(let text, let reason): "--metrics \(text): expected [HOST:]PORT (\(reason))"
        case .bind(let address, let reason): "cannot serve metrics on \(address): \(reason)"
        }
    }
}

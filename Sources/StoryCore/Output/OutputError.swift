/// Why an output file could not be stored.
public enum OutputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The server's file name would escape or corrupt the panel folder (separators, `..`, control
    /// characters, overlong); nothing was written.
    case hostileFileName(panelID: String, name: String, reason: String)
    /// A folder on the way to `outputs/<panel_id>/` is a symbolic link or resolves outside the project.
    case unsafeDirectory(path: String, reason: String)
    /// The download failed.
    case downloadFailed(panelID: String, name: String, reason: String)
    /// The downloaded file has an unacceptable size.
    case badSize(panelID: String, name: String, bytes: Int64, reason: String)
    /// The downloaded file's first bytes do not match its claimed media type; `found` is what they
    /// are (nil when no known type), `head` the first bytes in hex. Nothing was kept.
    case mediaMismatch(panelID: String, name: String, claimed: String, found: String?, head: String)
    /// A downloaded PNG could not be decoded (bad CRC, truncated, not a PNG); `reason` says how.
    case corruptImage(panelID: String, name: String, reason: String)
    /// A local file operation failed.
    case io(path: String, reason: String)

    /// One line naming the panel or path and the problem.
    public var description: String {
        switch self {
        case .hostileFileName(let panelID, let name, let reason):
            "panel \(panelID): server file name \(Self.quoted(name)) refused: \(reason)"
        case .unsafeDirectory(let path, let reason):
            "\(path): unsafe output folder: \(reason)"
        case .downloadFailed(let panelID, let name, let reason):
            "panel \(panelID): download of \(Self.quoted(name)) failed: \(reason)"
        case .badSize(let panelID, let name, let bytes, let reason):
            "panel \(panelID): \(Self.quoted(name)) has \(bytes) bytes: \(reason)"
        case .mediaMismatch(let panelID, let name, let claimed, let found, let head):
            "panel \(panelID): \(Self.quoted(name)) should be \(claimed) but its first bytes are "
                + (found.map { "\($0) (\(head))" } ?? (head.isEmpty ? "missing" : "no known type (\(head))"))
        case .corruptImage(let panelID, let name, let reason):
            "panel \(panelID): \(Self.quoted(name)) is not a readable PNG: \(reason)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        }
    }

    /// A printable rendering of a possibly hostile name (control characters escaped, length bounded).
    static func quoted(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars.prefix(120) {
            if scalar.value < 0x20 || scalar.value == 0x7F || scalar.properties.generalCategory == .format {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        if name.unicodeScalars.count > 120 { out += "…" }
        return "\"\(out)\""
    }
}

/// Checks a file name that came from a server before it becomes part of a local path.
///
/// A name is accepted only when it is one plain path component: 1–255 UTF-8 bytes, no `/` or `\`,
/// no `..`, not starting with `.`, and no control or invisible formatting characters. Anything
/// else is refused rather than rewritten, because a server sending such a name is misbehaving.
public enum SafeFileName {
    /// The largest accepted name, in UTF-8 bytes (the usual file-system limit).
    public static let maxBytes = 255

    /// The reason `name` is refused, or nil when it is safe.
    public static func problem(with name: String) -> String? {
        if name.isEmpty { return "empty name" }
        if name.utf8.count > maxBytes { return "longer than \(maxBytes) bytes" }
        if name.contains("/") || name.contains("\\") { return "contains a path separator" }
        if name.contains("..") { return "contains \"..\"" }
        if name.hasPrefix(".") { return "starts with \".\"" }
        if name.hasPrefix("~") { return "starts with \"~\"" }
        for scalar in name.unicodeScalars {
            if scalar.value == 0 { return "contains a NUL character" }
            switch scalar.properties.generalCategory {
            case .control: return "contains a control character"
            case .format, .lineSeparator, .paragraphSeparator: return "contains an invisible formatting character"
            default: continue
            }
        }
        if name.hasSuffix(" ") { return "ends with a space" }
        return nil
    }

    /// Returns `name` when it is safe, otherwise throws `OutputError.hostileFileName`.
    public static func validated(_ name: String, panelID: String) throws(OutputError) -> String {
        if let reason = problem(with: name) { throw .hostileFileName(panelID: panelID, name: name, reason: reason) }
        return name
    }
}

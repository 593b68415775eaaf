/// Why a StoryCore project could not be read or written.
///
/// Every case names the file and, where it applies, the JSON path (`$.config.global_seed`) and
/// what was expected there, so a person can open the file and fix it.
public enum ProjectError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read (missing, permissions, not a regular file).
    case unreadable(file: String, reason: String)
    /// The file is not valid JSON.
    case invalidJSON(file: String, reason: String)
    /// A required value is absent.
    case missingField(file: String, path: String, expected: String)
    /// A value has the wrong type or an invalid form.
    case invalidField(file: String, path: String, expected: String, found: String)
    /// A panel maps to a shot that `storyboard.json` does not define.
    case unknownShot(file: String, path: String, panelID: String, shotID: String)
    /// Two panels (or two shots) share one id.
    case duplicateID(file: String, path: String, id: String)
    /// The project's files could not be written back.
    case unwritable(file: String, reason: String)

    /// The file the error is about.
    public var file: String {
        switch self {
        case .unreadable(let f, _), .invalidJSON(let f, _), .missingField(let f, _, _), .invalidField(let f, _, _, _),
             .unknownShot(let f, _, _, _), .duplicateID(let f, _, _), .unwritable(let f, _):
            f
        }
    }

    /// One line naming the file, the JSON path and what was expected.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot read: \(reason)"
        case .invalidJSON(let file, let reason):
            "\(file): invalid JSON: \(reason)"
        case .missingField(let file, let path, let expected):
            "\(file): \(path): missing; expected \(expected)"
        case .invalidField(let file, let path, let expected, let found):
            "\(file): \(path): expected \(expected), found \(found)"
        case .unknownShot(let file, let path, let panelID, let shotID):
            "\(file): \(path): panel \(panelID) maps to shot \(shotID), which storyboard.json does not define"
        case .duplicateID(let file, let path, let id):
            "\(file): \(path): duplicate id \(id)"
        case .unwritable(let file, let reason):
            "\(file): cannot write: \(reason)"
        }
    }
}

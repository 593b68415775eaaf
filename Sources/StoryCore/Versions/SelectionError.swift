/// A panel selection or redo request naming something the project does not have.
///
/// The description is one line naming the id and listing the first few valid ids, so a person
/// can correct the command at once. The CLI exits 2 on it.
public enum SelectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No panel and no shot has this id; `validPanels` are the project's panel ids in order.
    case unknownPanel(id: String, validPanels: [String])
    /// No shot has this id; `validShots` are the shot ids that have panels, in order.
    case unknownShot(id: String, validShots: [String])
    /// The shot exists in the storyboard but no panel is mapped to it.
    case shotWithoutPanels(id: String, validShots: [String])

    /// Ids shown in a message before "…".
    static let shownIDs = 6

    /// `unknown panel "panel_42"; valid panels: panel_01, panel_02, … (9 in all)`.
    public var description: String {
        switch self {
        case .unknownPanel(let id, let valid):
            return "unknown panel \"\(id)\"; valid panels: \(Self.list(valid))"
        case .unknownShot(let id, let valid):
            return "unknown shot \"\(id)\"; valid shots: \(Self.list(valid))"
        case .shotWithoutPanels(let id, let valid):
            return "shot \"\(id)\" has no panel mapped to it in asset_manifest.panel_to_shot_map; shots with panels: \(Self.list(valid))"
        }
    }

    static func list(_ ids: [String]) -> String {
        guard !ids.isEmpty else { return "(none)" }
        guard ids.count > shownIDs else { return ids.joined(separator: ", ") }
        return ids.prefix(shownIDs).joined(separator: ", ") + ", … (\(ids.count) in all)"
    }
}

/// Which panels a run renders and which of them it renders again, resolved from ids given as
/// panel ids or shot ids (`shot_03` stands for every panel mapped to it).
public struct PanelSelection: Sendable, Hashable {
    /// The panels to render, in project order.
    public let panels: [Panel]
    /// The panels to render again as a new version, with the override of that version.
    public let redo: [String: PanelOverride]

    /// Resolves `options.panelSelection`, `options.shotSelection` and `options.redo` against
    /// `project`: all panels when none is given, otherwise the union of the three, in project order.
    ///
    /// Throws `SelectionError` (wrapped in `RenderError.selection`) for the first id that names
    /// neither a panel nor a shot with panels.
    public init(project: Project, options: RenderOptions) throws(RenderError) {
        let ids = Set(project.panels.map(\.id))
        var chosen = Set<String>()
        do {
            for id in (options.panelSelection ?? []).sorted() { chosen.formUnion(try Self.panels(for: id, in: project, ids: ids)) }
            for id in options.shotSelection.sorted() { chosen.formUnion(try Self.panels(ofShot: id, in: project)) }
            var redo: [String: PanelOverride] = [:]
            for (id, override) in options.redo.sorted(by: { $0.key < $1.key }) {
                for panel in try Self.panels(for: id, in: project, ids: ids) { redo[panel] = override }
            }
            chosen.formUnion(redo.keys)
            self.redo = redo
        } catch {
            throw .selection(error)
        }
        let everything = options.panelSelection == nil && options.shotSelection.isEmpty && options.redo.isEmpty
        panels = everything ? project.panels : project.panels.filter { chosen.contains($0.id) }
    }

    /// The panel ids `id` stands for: itself when it is a panel id, else the panels of that shot.
    static func panels(for id: String, in project: Project, ids: Set<String>) throws(SelectionError) -> [String] {
        if ids.contains(id) { return [id] }
        if project.shots.contains(where: { $0.id == id }) { return try panels(ofShot: id, in: project) }
        throw .unknownPanel(id: id, validPanels: project.panels.map(\.id))
    }

    /// The panels mapped to shot `id`.
    static func panels(ofShot id: String, in project: Project) throws(SelectionError) -> [String] {
        let found = project.panels.filter { $0.shotID == id }.map(\.id)
        guard found.isEmpty else { return found }
        var shotsWithPanels: [String] = []
        for panel in project.panels { if let shot = panel.shotID, !shotsWithPanels.contains(shot) { shotsWithPanels.append(shot) } }
        if project.shots.contains(where: { $0.id == id }) { throw .shotWithoutPanels(id: id, validShots: shotsWithPanels) }
        throw .unknownShot(id: id, validShots: shotsWithPanels)
    }
}

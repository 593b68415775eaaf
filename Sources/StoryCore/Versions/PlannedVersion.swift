/// The version of one panel a run renders, decided before planning from the ledger and the redo
/// request: which number, with which override, and the note the manifest gets for it.
struct PlannedVersion: Sendable, Hashable {
    /// The version number, from 1.
    var version: Int
    /// The override of that version.
    var override: PanelOverride?
    /// A note for the manifest, when the version comes from a redo request.
    var note: PanelNote?
    /// True when the panel was asked to be redone.
    var redo: Bool
}

extension PlannedVersion {
    /// Decides the version of every selected panel from what the ledger holds.
    ///
    /// Without a redo a panel keeps its current version and override (so a plain render finishes
    /// an interrupted redo instead of replacing it). With a redo, a completed panel gets the next
    /// version; a panel whose redo is still pending keeps that version (the resumed redo finishes
    /// it, with the override given now); a panel that never completed is version 1.
    static func decide(for selection: PanelSelection, ledger: Ledger) async throws(RenderError) -> [String: PlannedVersion] {
        var versions: [String: PlannedVersion] = [:]
        for panel in selection.panels {
            let existing: PanelRecord?
            do { existing = try await ledger.panel(panel.id) } catch { throw .ledger(error) }
            guard let requested = selection.redo[panel.id] else {
                versions[panel.id] = PlannedVersion(version: existing?.version ?? 1, override: existing?.override, note: nil, redo: false)
                continue
            }
            let override = requested.isEmpty ? nil : requested
            let (prompt, seed) = (override?.prompt, override?.seed)
            if let existing, existing.state == .completed {
                let next = existing.version + 1
                let kept = PanelVersion.folder(panelID: panel.id, version: existing.version)
                versions[panel.id] = PlannedVersion(
                    version: next, override: override,
                    note: .redoNewVersion(version: next, kept: existing.version, keptFolder: kept, prompt: prompt, seed: seed), redo: true)
            } else if let existing, existing.version > 1 || !existing.history.isEmpty {
                versions[panel.id] = PlannedVersion(
                    version: existing.version, override: override,
                    note: .redoResumed(version: existing.version, prompt: prompt, seed: seed), redo: true)
            } else {
                versions[panel.id] = PlannedVersion(
                    version: 1, override: override,
                    note: .redoFirstRender(prompt: prompt, seed: seed), redo: true)
            }
        }
        return versions
    }
}

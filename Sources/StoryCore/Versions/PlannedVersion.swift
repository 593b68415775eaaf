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
        do {
            // One read transaction for every panel (20,000 actor calls, one transaction each, took seconds).
            try ledger.forEachPanel(selection.panels.map(\.id)) { id, existing in
                versions[id] = decide(id, existing: existing, requested: selection.redo[id])
            }
        } catch let error as LedgerError {
            throw .ledger(error)
        } catch {
            throw .ledger(.database(path: ledger.path, reason: "\(error)"))
        }
        return versions
    }

    /// The version of panel `id` given its ledger record and the redo requested for it, if any.
    private static func decide(_ id: String, existing: PanelRecord?, requested: PanelOverride?) -> PlannedVersion {
        guard let requested else {
            return PlannedVersion(version: existing?.version ?? 1, override: existing?.override, note: nil, redo: false)
        }
        let override = requested.isEmpty ? nil : requested
        let (prompt, seed) = (override?.prompt, override?.seed)
        if let existing, existing.state == .completed {
            let next = existing.version + 1
            let kept = PanelVersion.folder(panelID: id, version: existing.version)
            return PlannedVersion(
                version: next, override: override,
                note: .redoNewVersion(version: next, kept: existing.version, keptFolder: kept, prompt: prompt, seed: seed), redo: true)
        } else if let existing, existing.version > 1 || !existing.history.isEmpty {
            return PlannedVersion(
                version: existing.version, override: override,
                note: .redoResumed(version: existing.version, prompt: prompt, seed: seed), redo: true)
        } else {
            return PlannedVersion(version: 1, override: override, note: .redoFirstRender(prompt: prompt, seed: seed), redo: true)
        }
    }
}

import ComfyWorkflow
import Foundation

/// What the hand-off writes into `project.json`'s `asset_manifest`, as StoryCore's grid step records it:
/// `panels` (`[{asset_id, path, panel_index}]`, every storyboard panel, paths to the `.ppm` files),
/// `panel_to_shot_map` (`panel_NN` → shot id, other entries kept) and, once the master sheet is handed
/// on, `grid` (`{asset_id, path, type: "grid", dimensions, created_at}`).
///
/// A panel whose id is `panel_NN` for its place gets the asset id `panel_NN_v<version>` (the version
/// handed on); a panel with another id keeps that id as its asset id, so the project loads with the
/// same panel ids afterwards.
public struct HandOffUpdate: Sendable, Hashable {
    /// One storyboard panel's entry.
    public struct PanelEntry: Sendable, Hashable {
        /// The panel id.
        public var panelID: String
        /// The 1-based storyboard place.
        public var index: Int
        /// The shot it shows.
        public var shotID: String
        /// The version handed on (nil before one completed).
        public var version: Int?
    }

    /// The master sheet's entry.
    public struct GridEntry: Sendable, Hashable {
        /// `3x3`, `1x2`, `1x4` …
        public var spec: String
        /// The version handed on.
        public var version: Int
        /// When that version finished.
        public var createdAt: Date
    }

    /// Every storyboard panel in order.
    public var panels: [PanelEntry]
    /// The master sheet, once handed on.
    public var grid: GridEntry?

    /// The update for `project` from the ledger's `records` (panels without a record have no version yet).
    public init(project: Project, records: [PanelRecord]) {
        let byID = Dictionary(records.map { ($0.panelID, $0) }, uniquingKeysWith: { a, _ in a })
        let indices = HandOff.indices(of: project.panels)
        panels = project.panels.compactMap { panel in
            guard let shotID = panel.shotID, let index = indices[panel.id] else { return nil }
            let current = byID[panel.id].flatMap(HandOff.current)
            return PanelEntry(panelID: panel.id, index: index, shotID: shotID,
                              version: current.flatMap { HandOff.image(in: $0.files) == nil ? nil : $0.version })
        }
        if let record = byID[Panel.masterGridID], let current = HandOff.current(record), HandOff.image(in: current.files) != nil {
            grid = GridEntry(spec: HandOff.gridSpec(of: project), version: current.version, createdAt: current.finishedAt ?? Date())
        }
    }

    /// Sets `panels`, the `panel_NN` entries of `panel_to_shot_map` and `grid` in an `asset_manifest` object.
    public func apply(to assets: inout JSONObject) {
        assets["panels"] = .array(panels.map { entry in
            let name = HandOff.panelName(index: entry.index)
            let assetID = entry.panelID == name ? "\(name)_v\(entry.version ?? 1)" : entry.panelID
            return .object([
                "asset_id": .string(assetID),
                "path": .string(HandOff.panelStem(index: entry.index) + ".ppm"),
                "panel_index": .int(entry.index),
            ])
        })
        var map = assets["panel_to_shot_map"]?.objectValue ?? JSONObject()
        for entry in panels { map[HandOff.panelName(index: entry.index)] = .string(entry.shotID) }
        assets["panel_to_shot_map"] = .object(map)
        if let grid {
            assets["grid"] = .object([
                "asset_id": .string("grid_\(grid.spec)_v\(grid.version)"),
                "path": .string(HandOff.gridStem(spec: grid.spec) + ".ppm"),
                "type": .string("grid"),
                "dimensions": .string(grid.spec),
                "created_at": .string(Timestamp.string(grid.createdAt)),
            ])
        }
    }

    /// Rewrites `<project>/project.json` with only these keys changed (and `updated_at`), atomically;
    /// used when a review changes the version handed on between renders.
    public func write(toProjectIn directory: URL, now: Date = Date()) throws(ProjectError) {
        let url = directory.appendingPathComponent(Project.projectFileName)
        let current: JSONValue
        do {
            current = try JSONValue.parse(try Data(contentsOf: url))
        } catch let error as JSONParseError {
            throw .invalidJSON(file: Project.projectFileName, reason: error.description)
        } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        guard case .object(var root) = current else {
            throw .invalidField(file: Project.projectFileName, path: "$", expected: "an object", found: current.typeName)
        }
        var assets = root["asset_manifest"]?.objectValue ?? JSONObject()
        apply(to: &assets)
        root["asset_manifest"] = .object(assets)
        root["updated_at"] = .string(Timestamp.string(now))
        do { try AtomicFile.replace(JSONValue.object(root).serialized(.pretty), to: url) } catch {
            throw .unwritable(file: url.path, reason: "\(error)")
        }
    }
}

extension HandOff {
    /// Hands on the current version of `panelID` as the ledger has it now (after a review, say), and
    /// rewrites the hand-off keys of `project.json`. Does nothing for a panel with no completed PNG.
    public func refresh(panelID: String, project: Project, ledger: Ledger) async throws(RenderError) {
        let records: [PanelRecord]
        do { records = try await ledger.panels() } catch { throw .ledger(error) }
        guard let record = records.first(where: { $0.panelID == panelID }), let current = Self.current(record),
              let file = Self.image(in: current.files) else { return }
        let stem: String
        if panelID == Panel.masterGridID {
            stem = Self.gridStem(spec: Self.gridSpec(of: project))
        } else if let index = Self.indices(of: project.panels)[panelID] {
            stem = Self.panelStem(index: index)
        } else {
            return
        }
        do { try write(file, panelID: panelID, toStem: stem) } catch { throw .output(error) }
        do { try HandOffUpdate(project: project, records: records).write(toProjectIn: project.directory) } catch {
            throw .project(error)
        }
    }
}

extension HandOff {
    /// Hands on every completed panel of `records` whose hand-off `.ppm` or `.png` is missing (a panel
    /// kept from a run made with `--no-handoff`, or files deleted since); returns the panel ids written.
    /// A panel whose PNG does not decode any more is skipped and returned in `failed` with the reason.
    public func fillMissing(project: Project, records: [PanelRecord]) -> (written: [String], failed: [String: String]) {
        let indices = Self.indices(of: project.panels)
        var written: [String] = []
        var failed: [String: String] = [:]
        for record in records where record.clip == nil {
            guard let current = Self.current(record), let file = Self.image(in: current.files) else { continue }
            let stem: String
            if record.panelID == Panel.masterGridID {
                guard project.coherenceAnchors.masterGridPath != nil else { continue }
                stem = Self.gridStem(spec: Self.gridSpec(of: project))
            } else if let index = indices[record.panelID] {
                stem = Self.panelStem(index: index)
            } else {
                continue
            }
            let present = ["ppm", "png"].allSatisfy { FileManager.default.fileExists(atPath: projectDirectory.appendingPathComponent("\(stem).\($0)").path) }
            guard !present else { continue }
            do {
                try write(file, panelID: record.panelID, toStem: stem)
                written.append(record.panelID)
            } catch {
                failed[record.panelID] = error.description
            }
        }
        return (written, failed)
    }
}

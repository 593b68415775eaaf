import ComfyWorkflow
import Foundation

/// A StoryCore project folder: `project.json` ("Data Contract v1") and `storyboard.json`, read and checked.
///
/// What grows with the project is not kept as parsed JSON: a 20,000-panel project's two files parse into
/// tens of MiB of JSON values, held for the whole run. `document` keeps `project.json` without its
/// per-panel collections, and the rewrite of `project.json` reads the file again, keeping every key
/// ComfyBridge does not understand. `panels` is the render list the contract defines, with the master
/// coherence sheet last when `coherence_anchors.master_grid_path` is set.
public struct Project: Sendable {
    /// The project folder.
    public let directory: URL
    /// `project.json` as read, every key kept except the per-panel collections (`shots_index`, and
    /// `panels`, `panel_to_shot_map` and `comfyui_panels` of `asset_manifest`), which `panels` and `shots` hold.
    public let document: JSONValue
    /// `project_id`.
    public let id: String
    /// The `config` block.
    public let config: ProjectConfig
    /// The `coherence_anchors` block.
    public let coherenceAnchors: CoherenceAnchors
    /// The storyboard's shots, in file order.
    public let shots: [Shot]
    /// The panels to render, in order (the master sheet, when configured, is last).
    public let panels: [Panel]

    /// The file name of the project document.
    public static let projectFileName = "project.json"
    /// The file name of the storyboard document.
    public static let storyboardFileName = "storyboard.json"

    /// `project.json` inside the folder.
    public var projectFile: URL { directory.appendingPathComponent(Self.projectFileName) }
    /// `outputs/` inside the folder, where images, the manifest and the ledger live.
    public var outputsDirectory: URL { directory.appendingPathComponent("outputs", isDirectory: true) }

    /// Reads and checks the project in `directory`.
    ///
    /// Throws `ProjectError` naming the file, the JSON path and what was expected for the first
    /// problem found. Files larger than 32 MiB are refused.
    public static func load(from directory: URL) throws(ProjectError) -> Project {
        let projectURL = directory.appendingPathComponent(projectFileName)
        let storyboardURL = directory.appendingPathComponent(storyboardFileName)
        let projectJSON = try readJSON(projectURL, label: projectFileName)
        let storyboardJSON = try readJSON(storyboardURL, label: storyboardFileName)
        return try Project(directory: directory, document: projectJSON, storyboard: storyboardJSON)
    }

    /// Checks a project from its two documents (already parsed); `directory` is where it lives.
    public init(directory: URL, document: JSONValue, storyboard: JSONValue) throws(ProjectError) {
        let root = JSONField(file: Self.projectFileName, value: document)
        _ = try root.object()
        let version = try root["schema_version"].string()
        guard version == "1.0" || version.hasPrefix("1.") else { throw root["schema_version"].invalid("\"1.0\"") }
        let projectID = try root["project_id"].nonEmptyString()
        for key in ["created_at", "updated_at"] {
            let stamp = try root[key].string()
            guard Timestamp.isUTC(stamp) else { throw root[key].invalid("an ISO-8601 UTC time ending in \"Z\"") }
        }
        let config = try ProjectConfig.read(root["config"])
        let anchors = try CoherenceAnchors.read(root["coherence_anchors"])
        let shotsIndex = try root["shots_index"].object()
        for (shotKey, _) in shotsIndex {
            let entry = root["shots_index"][shotKey]
            _ = try entry.object()
            _ = try entry["active_version"].string()
            _ = try entry["status"].string()
        }
        let assets = root["asset_manifest"]
        _ = try assets.object()
        let status = root["status"]
        _ = try status.object()
        _ = try status["current_phase"].string()
        _ = try status["qa_passed"].bool()
        _ = try status["last_qa_report_id"].optionalString()

        let board = JSONField(file: Self.storyboardFileName, value: storyboard)
        _ = try board.object()
        _ = try board["storyboard_id"].nonEmptyString()
        let boardProject = try board["project_id"].string()
        guard boardProject == projectID else {
            throw board["project_id"].invalid("\"\(projectID)\" (the project_id of project.json)")
        }
        var shots: [Shot] = []
        var seenShots = Set<String>()
        for shotField in try board["shots"].array() {
            let shot = try Shot.read(shotField)
            guard seenShots.insert(shot.id).inserted else {
                throw .duplicateID(file: Self.storyboardFileName, path: shotField["shot_id"].path, id: shot.id)
            }
            shots.append(shot)
        }

        self.directory = directory
        self.document = Self.withoutPanelCollections(document)
        self.id = projectID
        self.config = config
        self.coherenceAnchors = anchors
        self.shots = shots
        self.panels = try Self.panels(assets: assets, shots: shots, config: config, anchors: anchors)
    }

    /// `document` without the collections that grow with the panel count.
    private static func withoutPanelCollections(_ document: JSONValue) -> JSONValue {
        guard case .object(var root) = document else { return document }
        root["shots_index"] = nil
        if case .object(var assets)? = root["asset_manifest"] {
            for key in ["panels", "panel_to_shot_map", "comfyui_panels"] { assets[key] = nil }
            root["asset_manifest"] = .object(assets)
        }
        return .object(root)
    }

    /// The panel with `id`, if the project has one.
    public func panel(_ id: String) -> Panel? { panels.first { $0.id == id } }

    private static func panels(assets: JSONField, shots: [Shot], config: ProjectConfig, anchors: CoherenceAnchors) throws(ProjectError) -> [Panel] {
        let shotByID = Dictionary(shots.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let mapField = assets["panel_to_shot_map"]
        let map = try mapField.optionalObject() ?? JSONObject()
        var entries: [(id: String, index: Int, shot: Shot, order: Int)] = []
        var seen = Set<String>()
        if let listed = try assets["panels"].optionalArray(), !listed.isEmpty {
            for (order, item) in listed.enumerated() {
                _ = try item.object()
                let assetID = try item["asset_id"].optionalString()
                let path = try item["path"].optionalString()
                let stem = path.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
                let candidates = [assetID, stem].compactMap { $0 }.filter { !$0.isEmpty }
                guard let id = candidates.first(where: { map.contains($0) }) ?? candidates.first else {
                    throw item["asset_id"].missing("a panel id in asset_id or path")
                }
                guard Panel.isValidID(id), id != Panel.masterGridID else {
                    throw item["asset_id"].invalid("a panel id of letters, digits, \"_\", \"-\" or \".\" (not \"master_grid\")")
                }
                guard let shotValue = map[id] else {
                    throw mapField[id].missing("the shot id of panel \(id)")
                }
                guard case .string(let shotID) = shotValue else { throw mapField[id].invalid("a shot id string") }
                guard let shot = shotByID[shotID] else {
                    throw .unknownShot(file: projectFileName, path: mapField[id].path, panelID: id, shotID: shotID)
                }
                let index = try item["panel_index"].optionalInt() ?? order + 1
                guard seen.insert(id).inserted else {
                    throw .duplicateID(file: projectFileName, path: item.path, id: id)
                }
                entries.append((id, index, shot, order))
            }
            entries.sort { ($0.index, $0.order) < ($1.index, $1.order) }
        } else {
            for (order, shot) in shots.enumerated() {
                let id = String(format: "panel_%02d", order + 1)
                entries.append((id, order + 1, shot, order))
            }
        }
        var panels: [Panel] = []
        for (position, entry) in entries.enumerated() {
            panels.append(Panel(
                id: entry.id, position: position, shotID: entry.shot.id,
                prompt: entry.shot.prompt, negativePrompt: entry.shot.technical.negativePrompt,
                resolution: config.targetResolution,
                seed: PanelSeed.derive(globalSeed: config.globalSeed, panelID: entry.id),
                steps: entry.shot.technical.steps, cfgScale: entry.shot.technical.cfgScale, copyPath: nil))
        }
        if let gridPath = anchors.masterGridPath {
            panels.append(Panel(
                id: Panel.masterGridID, position: panels.count, shotID: nil,
                prompt: anchors.masterGridPrompt, negativePrompt: nil,
                resolution: config.targetResolution, seed: config.globalSeed,
                steps: nil, cfgScale: nil, copyPath: gridPath))
        }
        return panels
    }

    private static func readJSON(_ url: URL, label: String) throws(ProjectError) -> JSONValue {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            if let size = attributes[.size] as? NSNumber, size.intValue > 32 << 20 {
                throw ProjectError.unreadable(file: label, reason: "larger than 32 MiB")
            }
            data = try Data(contentsOf: url)
        } catch let error as ProjectError {
            throw error
        } catch {
            throw .unreadable(file: url.path, reason: (error as NSError).localizedDescription)
        }
        do { return try JSONValue.parse(data) } catch { throw .invalidJSON(file: label, reason: error.description) }
    }
}

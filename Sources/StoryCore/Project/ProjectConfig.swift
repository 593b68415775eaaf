/// The `config` block of `project.json`.
public struct ProjectConfig: Sendable, Hashable {
    /// StoryCore's hackathon mode flag (kept for information).
    public let hackathonMode: Bool
    /// The project's global seed; every panel seed derives from it.
    public let globalSeed: UInt64
    /// The target aspect ratio, for example `16:9`.
    public let targetAspectRatio: String
    /// The image size every panel is rendered at.
    public let targetResolution: Resolution
    /// The planned duration of the film in seconds.
    public let targetDurationSeconds: Int
    /// StoryCore's optional time budget in seconds.
    public let timeBudgetSeconds: Int?

    static func read(_ field: JSONField) throws(ProjectError) -> ProjectConfig {
        _ = try field.object()
        let resolutionField = field["target_resolution"]
        let text = try resolutionField.string()
        guard let resolution = Resolution(parsing: text) else {
            throw resolutionField.invalid("\"<width>x<height>\" with positive integers, for example \"1920x1080\"")
        }
        let ratio = try field["target_aspect_ratio"].string()
        let ratioParts = ratio.split(separator: ":")
        guard ratioParts.count == 2, ratioParts.allSatisfy({ Int($0).map { $0 > 0 } ?? false }) else {
            throw field["target_aspect_ratio"].invalid("\"<w>:<h>\", for example \"16:9\"")
        }
        let duration = try field["target_duration_seconds"].int()
        guard duration >= 0 else { throw field["target_duration_seconds"].invalid("a non-negative integer") }
        return ProjectConfig(
            hackathonMode: try field["hackathon_mode"].bool(),
            globalSeed: try field["global_seed"].uint64(),
            targetAspectRatio: ratio,
            targetResolution: resolution,
            targetDurationSeconds: duration,
            timeBudgetSeconds: try field["time_budget_seconds"].optionalInt())
    }
}

/// The `coherence_anchors` block of `project.json`: what keeps the panels visually consistent.
public struct CoherenceAnchors: Sendable, Hashable {
    /// The style anchor id.
    public let styleAnchorID: String
    /// The palette id.
    public let paletteID: String
    /// The lighting direction.
    public let lightingDirection: String
    /// The lighting colour temperature.
    public let lightingTemperature: String
    /// The perspective type.
    public let perspectiveType: String
    /// The horizon line.
    public let horizonLine: String
    /// The character sheet ids.
    public let characterSheetIDs: [String]
    /// Where the master coherence sheet goes, relative to the project; when set, a `master_grid` job renders it.
    public let masterGridPath: String?

    /// The master sheet prompt built from the anchors.
    public var masterGridPrompt: String {
        var parts = [
            "master coherence sheet, 3x3 grid of storyboard panels",
            "style \(styleAnchorID)", "palette \(paletteID)",
            "\(lightingDirection) lighting, \(lightingTemperature)",
            "\(perspectiveType) perspective", "horizon \(horizonLine)",
        ]
        if !characterSheetIDs.isEmpty { parts.append("characters " + characterSheetIDs.joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }

    static func read(_ field: JSONField) throws(ProjectError) -> CoherenceAnchors {
        _ = try field.object()
        var sheets: [String] = []
        for item in try field["character_sheet_ids"].array() { sheets.append(try item.string()) }
        let gridField = field["master_grid_path"]
        let grid = try gridField.optionalString()
        if let grid {
            let parts = grid.split(separator: "/", omittingEmptySubsequences: false)
            let bad = grid.isEmpty || grid.hasPrefix("/") || grid.contains("\\") || grid.hasSuffix("/")
                || parts.contains { $0 == ".." || $0 == "." || $0.isEmpty }
                || grid.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F }
            if bad { throw gridField.invalid("a relative file path inside the project, without \"..\"") }
        }
        return CoherenceAnchors(
            styleAnchorID: try field["style_anchor_id"].string(),
            paletteID: try field["palette_id"].string(),
            lightingDirection: try field["lighting_direction"].string(),
            lightingTemperature: try field["lighting_temperature"].string(),
            perspectiveType: try field["perspective_type"].string(),
            horizonLine: try field["horizon_line"].string(),
            characterSheetIDs: sheets,
            masterGridPath: grid)
    }
}

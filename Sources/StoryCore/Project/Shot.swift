/// One shot of `storyboard.json`: what the camera sees and how, as StoryCore's prompt modules.
public struct Shot: Sendable, Hashable, Identifiable {
    /// The shot id, for example `shot_01`.
    public let id: String
    /// The scene the shot belongs to, when given.
    public let sceneID: String?
    /// The shot number, when given.
    public let number: Int?
    /// The shot version, for example `v1`, when given.
    public let version: String?
    /// The title, when given.
    public let title: String?
    /// The free-text description, when given.
    public let description: String?
    /// The planned duration in seconds, when given.
    public let durationSeconds: Double?
    /// A complete prompt written by StoryCore's augmentation step; it wins over the modules.
    public let augmentedPrompt: String?
    /// The prompt modules `subject, camera, lighting, color, style`, in that order, empty ones dropped.
    public let promptModules: [String]
    /// The technical overrides (`technical` inside `prompt_modules`).
    public let technical: Technical

    /// The technical block of a shot's prompt modules; every value is optional.
    public struct Technical: Sendable, Hashable {
        /// A seed StoryCore wrote; ComfyBridge does not use it (seeds are derived, see `PanelSeed`).
        public let seed: UInt64?
        /// The aspect ratio StoryCore wrote, for information.
        public let aspectRatio: String?
        /// The resolution StoryCore wrote, for information (the project's `target_resolution` is used).
        public let resolution: String?
        /// The CFG scale that overrides the workflow's sampler `cfg`.
        public let cfgScale: Double?
        /// The step count that overrides the workflow's sampler `steps`.
        public let steps: Int?
        /// The negative prompt.
        public let negativePrompt: String?
    }

    /// The prompt the contract defines: `augmented_prompt` if present, otherwise the modules joined with ", ".
    public var prompt: String {
        if let augmentedPrompt, !augmentedPrompt.isEmpty { return augmentedPrompt }
        return promptModules.joined(separator: ", ")
    }

    static func read(_ field: JSONField) throws(ProjectError) -> Shot {
        _ = try field.object()
        let id = try field["shot_id"].nonEmptyString()
        let modulesField = field["prompt_modules"]
        let augmented = try field["augmented_prompt"].optionalString()
        var modules: [String] = []
        var technical = Technical(seed: nil, aspectRatio: nil, resolution: nil, cfgScale: nil, steps: nil, negativePrompt: nil)
        if modulesField.isAbsent {
            guard let augmented, !augmented.isEmpty else {
                throw modulesField.missing("an object with subject, camera, lighting, color, style (or an augmented_prompt)")
            }
        } else {
            _ = try modulesField.object()
            for key in ["subject", "camera", "lighting", "color", "style"] {
                if let text = try modulesField[key].optionalString(), !text.isEmpty { modules.append(text) }
            }
            let tech = modulesField["technical"]
            if try tech.optionalObject() != nil {
                let seedField = tech["seed"]
                technical = Technical(
                    seed: seedField.isAbsent ? nil : try seedField.uint64(),
                    aspectRatio: try tech["aspect_ratio"].optionalString(),
                    resolution: try tech["resolution"].optionalString(),
                    cfgScale: try tech["cfg_scale"].optionalDouble(),
                    steps: try tech["steps"].optionalInt(),
                    negativePrompt: try tech["negative_prompt"].optionalString())
                if let steps = technical.steps, steps < 1 { throw tech["steps"].invalid("a positive integer") }
                if let cfg = technical.cfgScale, !(cfg >= 0) { throw tech["cfg_scale"].invalid("a non-negative number") }
            }
            if modules.isEmpty && (augmented ?? "").isEmpty {
                throw modulesField.invalid("at least one non-empty prompt module (or an augmented_prompt)")
            }
        }
        let duration = field["duration_seconds"]
        return Shot(
            id: id,
            sceneID: try field["scene_id"].optionalString(),
            number: try field["shot_number"].optionalInt(),
            version: try field["version"].optionalString(),
            title: try field["title"].optionalString(),
            description: try field["description"].optionalString(),
            durationSeconds: try duration.optionalDouble(),
            augmentedPrompt: augmented,
            promptModules: modules,
            technical: technical)
    }
}

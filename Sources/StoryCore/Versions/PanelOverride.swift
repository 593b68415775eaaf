import ComfyWorkflow

/// A per-version change to a panel's prompt or seed, given with a redo (`--prompt`, `--seed`).
///
/// It applies to the one version it was requested for: the next redo without an override goes
/// back to the project's prompt and seed. The manifest reports it under `overrides`.
public struct PanelOverride: Sendable, Hashable {
    /// The positive prompt used instead of the shot's (nil keeps the project's prompt).
    public var prompt: String?
    /// The seed used instead of the contract's derived seed (nil keeps the derived seed).
    public var seed: UInt64?

    /// Creates an override; with both values nil it changes nothing.
    public init(prompt: String? = nil, seed: UInt64? = nil) {
        self.prompt = prompt
        self.seed = seed
    }

    /// True when it changes nothing.
    public var isEmpty: Bool { prompt == nil && seed == nil }

    /// `{"prompt": …, "seed": …}` with only the values set (seeds as exact integers).
    public var json: JSONValue {
        var object = JSONObject()
        if let prompt { object["prompt"] = .string(prompt) }
        if let seed { object["seed"] = .uint64(seed) }
        return .object(object)
    }

    /// Reads the form written by `json`; nil for anything else or an empty object.
    init?(json: JSONValue?) {
        guard let object = json?.objectValue else { return nil }
        let seed: UInt64?
        if let number = object["seed"]?.numberValue {
            guard let exact = number.uint64 else { return nil }
            seed = exact
        } else {
            seed = nil
        }
        self.init(prompt: object["prompt"]?.stringValue, seed: seed)
        if isEmpty { return nil }
    }

    /// `panel` with this override applied (its prompt and seed replaced where set).
    func applied(to panel: Panel) -> Panel {
        Panel(id: panel.id, position: panel.position, shotID: panel.shotID, prompt: prompt ?? panel.prompt,
              negativePrompt: panel.negativePrompt, resolution: panel.resolution, seed: seed ?? panel.seed,
              steps: panel.steps, cfgScale: panel.cfgScale, copyPath: panel.copyPath)
    }
}

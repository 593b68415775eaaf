import ComfyWorkflow
import Crypto
import Foundation

/// One panel's render: the base workflow and the values injected into it.
///
/// A job can be sent whole (the full batch in one prompt) or in parts (a split batch); part
/// graphs are injected from the same template, with image k of the batch using seed + k.
public struct RenderJob: Sendable, Hashable {
    /// The panel rendered.
    public let panel: Panel
    /// The base workflow, unchanged.
    public let template: Workflow
    /// The values for the whole batch (seed, prompts, size, batch size, steps, cfg, file prefix, overrides).
    public let parameters: WorkflowParameters
    /// Images requested.
    public let batchSize: Int
    /// A digest of everything that determines the images; a rerun with the same digest may resume.
    public let fingerprint: String
    /// The version of the panel this job renders (1 unless the panel is being redone).
    public internal(set) var version: Int = 1
    /// The prompt or seed override of that version, already applied to `panel`, if any.
    public internal(set) var override: PanelOverride?
    /// For a shot clip: its shot, key panel and frame count (nil for a panel).
    public internal(set) var clip: ClipJob?

    /// The panel id.
    public var panelID: String { panel.id }
    /// The seed of the first image.
    public var seed: UInt64 { panel.seed }

    init(panel: Panel, template: Workflow, parameters: WorkflowParameters, batchSize: Int) throws(InjectionError) {
        self.panel = panel
        self.template = template
        self.parameters = parameters
        self.batchSize = batchSize
        let full = try ParameterInjector().inject(parameters, into: template).workflow
        var hasher = SHA256()
        hasher.update(data: Data(full.json.serialized(.compact)))
        hasher.update(data: Data("|batch=\(batchSize)|copy=\(panel.copyPath ?? "")".utf8))
        fingerprint = hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// How one prompt of the job is shaped.
    public struct Variant: Sendable, Hashable {
        /// Index of the first image of the batch this prompt produces (its seed is the panel seed + this).
        public var firstImage: Int
        /// Images this prompt produces.
        public var imageCount: Int
        /// Low-VRAM limits of the server it goes to, if any.
        public var rules: LowVRAMRules?
        /// Replace `VAEDecode` by `VAEDecodeTiled` (the out-of-memory ladder's third step).
        public var tiledDecode: Bool
        /// For a clip: the `LoadImage` value of the key panel's image uploaded to the server.
        public var inputImage: String?

        /// Creates a variant.
        public init(firstImage: Int, imageCount: Int, rules: LowVRAMRules? = nil, tiledDecode: Bool = false, inputImage: String? = nil) {
            self.firstImage = firstImage
            self.imageCount = imageCount
            self.rules = rules
            self.tiledDecode = tiledDecode
            self.inputImage = inputImage
        }
    }

    /// The graph to submit for `variant`, checked against `catalog` when given (sizes on the latent
    /// node's step, seeds clamped into range, values in lists).
    public func graph(_ variant: Variant, catalog: NodeCatalog?) throws(InjectionError) -> Workflow {
        var p = parameters
        let (seed, overflow) = panel.seed.addingReportingOverflow(UInt64(variant.firstImage))
        p.seed = overflow ? UInt64.max : seed
        p.batchSize = variant.imageCount
        p.optional.insert(.batchSize)
        if let rules = variant.rules {
            p.samplerName = rules.samplerName
            p.optional.insert(.samplerName)
            let current = p.steps ?? Self.stepsValue(in: template)
            if let current, current > rules.maxSteps {
                p.steps = rules.maxSteps
                p.optional.insert(.steps)
            }
        }
        var graph = try ParameterInjector(catalog: catalog).inject(p, into: template).workflow
        if variant.tiledDecode { graph = Self.tiledDecoding(graph, catalog: catalog) }
        if let clip, let image = variant.inputImage { graph = clip.graph.applying(frames: clip.frames, image: image, to: graph) }
        return graph
    }

    /// True when the template decodes with `VAEDecode`, so the tiled step of the ladder applies.
    public var canUseTiledDecode: Bool { template.nodes.contains { $0.node.classType == "VAEDecode" } }

    /// `graph` with every `VAEDecode` replaced by `VAEDecodeTiled` (same inputs, plus the tiled node's
    /// defaults from the catalogue, or ComfyUI's stock defaults without one).
    static func tiledDecoding(_ graph: Workflow, catalog: NodeCatalog?) -> Workflow {
        var out = graph
        let stock: [(String, JSONValue)] = [("tile_size", 512), ("overlap", 64), ("temporal_size", 64), ("temporal_overlap", 8)]
        for (id, node) in graph.nodes where node.classType == "VAEDecode" {
            var tiled = node
            tiled.classType = "VAEDecodeTiled"
            if let definition = catalog?["VAEDecodeTiled"] {
                for input in definition.widgetInputs where tiled.inputStorage[input.name] == nil && input.section == .required {
                    if let value = input.defaultValue { tiled.inputStorage[input.name] = value }
                }
            } else {
                for (name, value) in stock where tiled.inputStorage[name] == nil { tiled.inputStorage[name] = value }
            }
            out[id] = tiled
        }
        return out
    }

    /// The sampler `steps` literal of a graph, if one sampler-like node has it.
    static func stepsValue(in graph: Workflow) -> Int? {
        for (_, node) in graph.nodes {
            if let steps = node.inputStorage["steps"]?.intValue { return steps }
        }
        return nil
    }
}

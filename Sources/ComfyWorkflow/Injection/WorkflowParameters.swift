/// The values a render job sets in a graph; each nil field leaves the graph's own value.
///
/// `Workflow.injecting(_:catalog:)` finds where each value goes by following the graph's links
/// from its samplers (see `ParameterInjector`). A value that finds no input is an error unless
/// its parameter is in `optional`; `overrides` are applied last and always win.
public struct WorkflowParameters: Sendable, Hashable {
    /// The parameters that can be injected.
    public enum Parameter: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        /// `seed` and `noise_seed` inputs.
        case seed
        /// The text of the encoder(s) feeding the samplers' positive conditioning.
        case positivePrompt = "positive_prompt"
        /// The text of the encoder(s) feeding the samplers' negative conditioning.
        case negativePrompt = "negative_prompt"
        /// The latent node's `width` and schedulers that take one (Flux2Scheduler).
        case width
        /// The latent node's `height` and schedulers that take one.
        case height
        /// The latent node's `batch_size`.
        case batchSize = "batch_size"
        /// Sampler or scheduler `steps`.
        case steps
        /// Sampler or guider `cfg`.
        case cfg
        /// `sampler_name` on the sampler or its KSamplerSelect.
        case samplerName = "sampler_name"
        /// `scheduler` on the sampler or its BasicScheduler.
        case scheduler
        /// `denoise` on the sampler or its BasicScheduler.
        case denoise
        /// Every `filename_prefix` (SaveImage and other savers).
        case filenamePrefix = "filename_prefix"

        /// The parameter's snake_case name.
        public var description: String { rawValue }
    }

    /// The seed, put into every `seed`/`noise_seed` input (clamped into each input's range when a catalogue is given).
    public var seed: UInt64?
    /// The positive prompt.
    public var positivePrompt: String?
    /// The negative prompt.
    public var negativePrompt: String?
    /// Image width in pixels; with a catalogue it must fit the latent node's min/max/step.
    public var width: Int?
    /// Image height in pixels; with a catalogue it must fit the latent node's min/max/step.
    public var height: Int?
    /// Images per prompt.
    public var batchSize: Int?
    /// Sampling steps.
    public var steps: Int?
    /// Classifier-free guidance scale.
    public var cfg: Double?
    /// Sampler name, e.g. `euler`.
    public var samplerName: String?
    /// Scheduler name, e.g. `normal`.
    public var scheduler: String?
    /// Denoise strength, 0...1.
    public var denoise: Double?
    /// Output file name prefix, e.g. `storycore/panel_01`.
    public var filenamePrefix: String?
    /// Explicit `node_id.input = value` settings, applied after everything else.
    public var overrides: [NodeInputOverride]
    /// Parameters allowed to find no target (for example `cfg` on a Flux graph whose guider has none).
    public var optional: Set<Parameter>

    /// Creates parameters; everything defaults to "leave as is".
    public init(seed: UInt64? = nil, positivePrompt: String? = nil, negativePrompt: String? = nil,
                width: Int? = nil, height: Int? = nil, batchSize: Int? = nil, steps: Int? = nil,
                cfg: Double? = nil, samplerName: String? = nil, scheduler: String? = nil,
                denoise: Double? = nil, filenamePrefix: String? = nil,
                overrides: [NodeInputOverride] = [], optional: Set<Parameter> = []) {
        self.seed = seed
        self.positivePrompt = positivePrompt
        self.negativePrompt = negativePrompt
        self.width = width
        self.height = height
        self.batchSize = batchSize
        self.steps = steps
        self.cfg = cfg
        self.samplerName = samplerName
        self.scheduler = scheduler
        self.denoise = denoise
        self.filenamePrefix = filenamePrefix
        self.overrides = overrides
        self.optional = optional
    }

    /// The value set for `parameter`, as JSON, or nil when it is left as is.
    public func value(of parameter: Parameter) -> JSONValue? {
        switch parameter {
        case .seed: seed.map(JSONValue.uint64)
        case .positivePrompt: positivePrompt.map(JSONValue.string)
        case .negativePrompt: negativePrompt.map(JSONValue.string)
        case .width: width.map(JSONValue.int)
        case .height: height.map(JSONValue.int)
        case .batchSize: batchSize.map(JSONValue.int)
        case .steps: steps.map(JSONValue.int)
        case .cfg: cfg.map(JSONValue.double)
        case .samplerName: samplerName.map(JSONValue.string)
        case .scheduler: scheduler.map(JSONValue.string)
        case .denoise: denoise.map(JSONValue.double)
        case .filenamePrefix: filenamePrefix.map(JSONValue.string)
        }
    }
}

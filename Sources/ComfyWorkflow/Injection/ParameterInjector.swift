/// Applies `WorkflowParameters` to a template graph by graph analysis and reports every input it set.
///
/// Where each parameter goes (see `SamplerGraph` for the walk):
/// seeds into every `seed` and `noise_seed` input (through links to primitives); prompts into the
/// text encoders reached from the samplers' `positive`/`negative` (or guider) links through
/// pass-through nodes such as FluxGuidance, ReferenceLatent and conditioning combiners; width,
/// height and batch size into the latent node of each sampler's `latent_image` and into
/// schedulers that take a size (Flux2Scheduler); steps, cfg, sampler, scheduler and denoise into
/// the samplers and the nodes their `sigmas`/`sampler`/`guider` links lead to; the filename
/// prefix into every saver. A graph with no sampler but a self-contained generator node (a
/// literal seed, width and height, such as `ProbeImage`) takes seed, size, steps and the positive
/// prompt there. Overrides are applied last and win.
///
/// With a `NodeCatalog`, seeds are clamped into each input's range, a size the latent node cannot
/// take (outside min/max or off its step) is an error naming the node and step (never rounded), and
/// every other value must pass the input's type, range and list checks.
public struct ParameterInjector: Sendable {
    /// The server's node classes, for range, step and list checks; nil skips those checks.
    public var catalog: NodeCatalog?

    /// Creates an injector.
    public init(catalog: NodeCatalog? = nil) { self.catalog = catalog }

    /// A copy of `template` with `parameters` applied, and the list of inputs set. `template` is not changed.
    public func inject(_ parameters: WorkflowParameters, into template: Workflow) throws(InjectionError) -> InjectionResult {
        var edit = Edit(workflow: template)
        let graph = SamplerGraph(template)
        for parameter in WorkflowParameters.Parameter.allCases {
            guard let value = parameters.value(of: parameter) else { continue }
            let targets = try self.targets(for: parameter, in: graph)
            if targets.isEmpty {
                if parameters.optional.contains(parameter) { continue }
                throw .noTarget(parameter: parameter, reason: Self.missingReason(parameter, graph))
            }
            for target in targets {
                guard let node = template[target.nodeID] else { continue }
                var newValue = value
                var note: String?
                if parameter == .seed, let seed = parameters.seed, let range = seedRange(node, target.input) {
                    let clamped = PanelSeed.clamp(seed, into: range)
                    if clamped != seed {
                        newValue = .uint64(clamped)
                        note = "clamped from \(seed) into \(range.lowerBound)...\(range.upperBound)"
                    }
                }
                try check(newValue, target: target, node: node, parameter: parameter)
                edit.set(target, classType: node.classType, to: newValue, source: .parameter(parameter), note: note)
            }
        }
        for override in parameters.overrides {
            guard let node = template[override.nodeID] else { throw .overrideNodeMissing(override) }
            if let definition = catalog?[node.classType] {
                guard definition.input(named: override.input) != nil else {
                    throw .overrideInputUnknown(override, classType: node.classType, known: definition.clientInputs.map(\.name))
                }
            }
            let target = InputTarget(nodeID: override.nodeID, input: override.input)
            try check(override.value, target: target, node: node, parameter: nil)
            edit.set(target, classType: node.classType, to: override.value, source: .override, note: nil)
        }
        return InjectionResult(workflow: edit.workflow, changes: edit.changes)
    }

    func targets(for parameter: WorkflowParameters.Parameter, in graph: SamplerGraph) throws(InjectionError) -> [InputTarget] {
        let generators = graph.standaloneGenerators
        func generatorTargets(_ name: String) -> [InputTarget] {
            generators.compactMap { graph.resolveLiteral(InputTarget(nodeID: $0, input: name), depth: 0) }
        }
        switch parameter {
        case .seed: return graph.seedTargets
        case .positivePrompt: return try promptTargets(positive: true, graph) + generatorTargets("text")
        case .negativePrompt: return try promptTargets(positive: false, graph)
        case .width: return graph.sizeNodes(input: "width") + generatorTargets("width")
        case .height: return graph.sizeNodes(input: "height") + generatorTargets("height")
        case .batchSize: return graph.sizeNodes(input: "batch_size") + generatorTargets("batch_size")
        case .steps: return graph.samplingTargets("steps") + generatorTargets("steps")
        case .cfg: return graph.samplingTargets("cfg")
        case .samplerName: return graph.samplingTargets("sampler_name")
        case .scheduler: return graph.samplingTargets("scheduler")
        case .denoise: return graph.samplingTargets("denoise")
        case .filenamePrefix: return graph.filenamePrefixTargets
        }
    }

    func promptTargets(positive: Bool, _ graph: SamplerGraph) throws(InjectionError) -> [InputTarget] {
        let mine = graph.encoders(positive: positive)
        let other = Set(graph.encoders(positive: !positive))
        var targets: [InputTarget] = []
        for id in mine {
            guard let node = graph.workflow[id] else { continue }
            if other.contains(id) { throw .ambiguousPrompt(nodeID: id, classType: node.classType) }
            for name in graph.textInputs(of: node) {
                guard let target = graph.resolveLiteral(InputTarget(nodeID: id, input: name), depth: 0) else {
                    let source = node[input: name]?.link.flatMap { graph.workflow[$0.nodeID]?.classType } ?? "?"
                    throw .promptNotEditable(nodeID: id, classType: node.classType, input: name,
                                             reason: "it is linked to a \(source) node with no literal value or \(name) input")
                }
                if let value = graph.workflow[target.nodeID]?.inputStorage[target.input], value.stringValue == nil {
                    throw .promptNotEditable(nodeID: target.nodeID, classType: graph.workflow[target.nodeID]?.classType ?? "?",
                                             input: target.input, reason: "it holds \(value.typeName), not text")
                }
                if !targets.contains(target) { targets.append(target) }
            }
        }
        return targets
    }

    static func missingReason(_ parameter: WorkflowParameters.Parameter, _ graph: SamplerGraph) -> String {
        let noSampler = graph.samplers.isEmpty && graph.standaloneGenerators.isEmpty
            ? " (no sampler found: KSampler, KSamplerAdvanced, SamplerCustom or SamplerCustomAdvanced)" : ""
        switch parameter {
        case .seed: return "no node has a seed or noise_seed input"
        case .positivePrompt: return "no text encoder is linked to the samplers' positive conditioning" + noSampler
        case .negativePrompt: return "no text encoder is linked to the samplers' negative conditioning" + noSampler
        case .width, .height, .batchSize: return "no latent node with \(parameter) is linked to the samplers' latent_image" + noSampler
        case .filenamePrefix: return "no node has a filename_prefix input"
        default: return "neither the samplers nor their scheduler, sampler or guider nodes have a literal \(parameter) input" + noSampler
        }
    }

    func seedRange(_ node: Node, _ input: String) -> ClosedRange<UInt64>? {
        guard case .int(let c)? = catalog?[node.classType]?.input(named: input)?.type else { return nil }
        let lower = c.min.map { $0.isNegative ? 0 : $0.magnitude } ?? 0
        let upper = c.max.map { $0.isNegative ? 0 : $0.magnitude } ?? UInt64.max
        return lower <= upper ? lower...upper : nil
    }

    func check(_ value: JSONValue, target: InputTarget, node: Node, parameter: WorkflowParameters.Parameter?) throws(InjectionError) {
        guard let catalog, let definition = catalog[node.classType]?.input(named: target.input) else { return }
        let sizeParameters: Set<WorkflowParameters.Parameter> = [.width, .height, .batchSize]
        if let parameter, sizeParameters.contains(parameter), case .int(let c) = definition.type, let v = value.intValue {
            let wide = WideInteger(v)
            let inRange = (c.min.map { wide >= $0 } ?? true) && (c.max.map { wide <= $0 } ?? true)
            let onStep = c.step.map { wide.isOnStep($0, from: WideInteger(0)) || wide.isOnStep($0, from: c.min ?? WideInteger(0)) } ?? true
            if !inRange || !onStep {
                throw .sizeNotAllowed(nodeID: target.nodeID, classType: node.classType, input: target.input, value: v, constraints: c)
            }
            return
        }
        let context = WorkflowValidator.Context(id: target.nodeID, node: node, input: definition)
        if let problem = WorkflowValidator(catalog: catalog).checkLiteral(value, context).first {
            throw .valueRejected(problem)
        }
    }
}

/// The graph being edited and the change list, each node input recorded once.
private struct Edit {
    var workflow: Workflow
    var changes: [InjectionChange] = []
    var index: [InputTarget: Int] = [:]

    mutating func set(_ target: InputTarget, classType: String, to value: JSONValue, source: InjectionChange.Source, note: String?) {
        guard var node = workflow[target.nodeID] else { return }
        let old = node.inputStorage[target.input]
        node.inputStorage[target.input] = value
        workflow[target.nodeID] = node
        if let i = index[target] {
            changes[i].newValue = value
            changes[i].source = source
            changes[i].note = note
        } else {
            index[target] = changes.count
            changes.append(InjectionChange(nodeID: target.nodeID, classType: classType, input: target.input,
                                           oldValue: old, newValue: value, source: source, note: note))
        }
    }
}

extension Workflow {
    /// A copy of this graph with `parameters` applied, and the inputs set; this graph is not changed.
    ///
    /// Pass the server's `catalog` to clamp seeds and check sizes and values; see `ParameterInjector`.
    public func injecting(_ parameters: WorkflowParameters, catalog: NodeCatalog? = nil) throws(InjectionError) -> InjectionResult {
        try ParameterInjector(catalog: catalog).inject(parameters, into: self)
    }
}

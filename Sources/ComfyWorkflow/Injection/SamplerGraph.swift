/// An input of one node: where an injected value goes.
struct InputTarget: Hashable {
    let nodeID: String
    let input: String
}

/// The roles of a graph's nodes as seen from its samplers: which nodes set seeds, prompts, sizes and sampling settings.
///
/// Everything is found by following links, never by guessing from names or empty strings:
/// samplers are KSampler, KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced (and any node
/// taking a `latent_image` plus `positive` or `guider`); their `sigmas`, `sampler`, `guider` and
/// `noise` links lead to the scheduler, KSamplerSelect, guider and RandomNoise nodes; their
/// conditioning links lead back through pass-through nodes to the text encoders.
struct SamplerGraph {
    let workflow: Workflow

    static let samplerClasses: Set<String> = ["KSampler", "KSamplerAdvanced", "SamplerCustom", "SamplerCustomAdvanced"]
    /// Text inputs of known encoders (protocol section 7.3).
    static let encoderTextInputs: [String: [String]] = [
        "CLIPTextEncode": ["text"], "CLIPTextEncodeSDXL": ["text_g", "text_l"], "CLIPTextEncodeSDXLRefiner": ["text"],
        "CLIPTextEncodeSD3": ["clip_l", "clip_g", "t5xxl"], "CLIPTextEncodeFlux": ["clip_l", "t5xxl"],
        "CLIPTextEncodeHiDream": ["clip_l", "clip_g", "t5xxl", "llama"], "CLIPTextEncodeHunyuanDiT": ["bert", "mt5xl"],
        "CLIPTextEncodeKandinsky5": ["clip_l", "qwen25_7b"], "CLIPTextEncodeLumina2": ["user_prompt"],
        "CLIPTextEncodePixArtAlpha": ["text"], "CLIPTextEncodeControlnet": ["text"],
        "TextEncodeQwenImageEdit": ["prompt"], "TextEncodeQwenImageEditPlus": ["prompt"],
        "TextEncodeHunyuanVideo_ImageToVideo": ["prompt"], "TextEncodeAceStepAudio": ["tags"], "PhotoMakerEncode": ["text"],
    ]
    /// Nodes whose output carries no text from their input: the walk stops there.
    static let conditioningSinks: Set<String> = ["ConditioningZeroOut"]
    /// Nodes that hold a literal string other nodes link to.
    static let stringSources: [String: String] = ["PrimitiveString": "value", "PrimitiveStringMultiline": "value"]

    /// Sampler node ids, in graph order.
    let samplers: [String]

    init(_ workflow: Workflow) {
        self.workflow = workflow
        self.samplers = workflow.nodes.filter { _, node in
            Self.samplerClasses.contains(node.classType)
                || (node.inputStorage.contains("latent_image") && (node.inputStorage.contains("positive") || node.inputStorage.contains("guider")))
        }.map(\.id)
    }

    func link(_ nodeID: String, _ input: String) -> (nodeID: String, output: Int)? {
        guard let link = workflow[nodeID]?[input: input]?.link, workflow[link.nodeID] != nil else { return nil }
        return link
    }

    /// The nodes that configure sampling for the samplers: each sampler plus what its `sigmas`,
    /// `sampler`, `guider` and `noise` links lead to (through nodes that pass sigmas on).
    var samplingNodes: [String] {
        var seen: [String] = []
        var queue = samplers
        while let id = queue.first {
            queue.removeFirst()
            guard !seen.contains(id), let node = workflow[id] else { continue }
            seen.append(id)
            for name in ["sigmas", "sampler", "guider", "noise"] where node.inputStorage.contains(name) {
                if let source = link(id, name), !samplers.contains(source.nodeID) { queue.append(source.nodeID) }
            }
        }
        return seen
    }

    /// Inputs named `name` on the sampling nodes, following a link to a primitive source.
    func samplingTargets(_ name: String) -> [InputTarget] {
        samplingNodes.compactMap { id in resolveLiteral(InputTarget(nodeID: id, input: name), depth: 0) }
    }

    /// Every `seed` and `noise_seed` input of the graph (numbers or links to a primitive), each once.
    var seedTargets: [InputTarget] {
        var targets: [InputTarget] = []
        for (id, node) in workflow.nodes {
            for (name, value) in node.inputStorage where name == "seed" || name == "noise_seed" {
                if case .string = value { continue }
                if let target = resolveLiteral(InputTarget(nodeID: id, input: name), depth: 0), !targets.contains(target) {
                    targets.append(target)
                }
            }
        }
        return targets
    }

    /// `target` itself when it is a literal; when it links to a primitive-like node (a node with a
    /// literal `value`, or the same input name), that node's literal input; nil when absent or not editable.
    func resolveLiteral(_ target: InputTarget, depth: Int) -> InputTarget? {
        guard depth < 16, let node = workflow[target.nodeID], let input = node[input: target.input] else { return nil }
        guard let link = input.link else { return target }
        guard let source = workflow[link.nodeID] else { return nil }
        for name in ["value", target.input] where source.inputStorage.contains(name) {
            return resolveLiteral(InputTarget(nodeID: link.nodeID, input: name), depth: depth + 1)
        }
        return nil
    }

    /// The text-encoder node ids feeding the samplers' positive (or negative) side.
    func encoders(positive: Bool) -> [String] {
        var starts: [(String, Int)] = []
        for id in samplers {
            guard let node = workflow[id] else { continue }
            if positive {
                if let l = link(id, "positive") { starts.append(l) }
            } else if let l = link(id, "negative") {
                starts.append(l)
            }
            if node.inputStorage.contains("guider"), let guider = link(id, "guider") {
                let names = positive ? ["positive", "conditioning", "cond1", "cond2"] : ["negative"]
                for name in names { if let l = link(guider.nodeID, name) { starts.append(l) } }
            }
        }
        var found: [String] = []
        var visited = Set<String>()
        var queue = starts
        while !queue.isEmpty {
            let (id, slot) = queue.removeFirst()
            guard visited.insert("\(id)#\(slot)").inserted, visited.count < 10_000, let node = workflow[id] else { continue }
            if Self.conditioningSinks.contains(node.classType) { continue }
            if !textInputs(of: node).isEmpty {
                if !found.contains(id) { found.append(id) }
                continue
            }
            if node.inputStorage.contains("positive"), node.inputStorage.contains("negative") {
                if let l = link(id, slot == 1 ? "negative" : "positive") { queue.append(l) }
                continue
            }
            for name in node.inputStorage.keys where name.hasPrefix("conditioning") || name == "cond" {
                if let l = link(id, name) { queue.append(l) }
            }
        }
        return found
    }

    /// The prompt text inputs of an encoder node (known classes, else a `text` or `prompt` input).
    func textInputs(of node: Node) -> [String] {
        if let known = Self.encoderTextInputs[node.classType] { return known.filter { node.inputStorage.contains($0) } }
        return ["text", "prompt"].filter { name in
            guard let value = node.inputStorage[name] else { return false }
            return value.stringValue != nil || NodeInput(json: value).link != nil
        }
    }

    /// The nodes that decide the latent size: what each sampler's `latent_image` comes from,
    /// walking back through latent pass-through nodes, plus sampling nodes (schedulers) with a size.
    func sizeNodes(input name: String) -> [InputTarget] {
        var targets: [InputTarget] = []
        var visited = Set<String>()
        var queue = samplers.compactMap { link($0, "latent_image")?.nodeID }
        let samplerSet = Set(samplers)
        while !queue.isEmpty {
            let id = queue.removeFirst()
            guard !samplerSet.contains(id), visited.insert(id).inserted, let node = workflow[id] else { continue }
            if node.inputStorage.contains("width") || node.inputStorage.contains("height") || node.inputStorage.contains("batch_size") {
                if let t = resolveLiteral(InputTarget(nodeID: id, input: name), depth: 0) { targets.append(t) }
                continue
            }
            for passName in ["samples", "latent", "samples1", "source", "destination"] {
                if let l = link(id, passName) { queue.append(l.nodeID) }
            }
        }
        if name != "batch_size" {
            for id in samplingNodes where !samplerSet.contains(id) {
                if let t = resolveLiteral(InputTarget(nodeID: id, input: name), depth: 0), !targets.contains(t) { targets.append(t) }
            }
        }
        return targets
    }

    /// With no sampler: nodes that generate images on their own from a literal seed, width and
    /// height (such as the emulator's `ProbeImage`). They take seed, size, steps and the positive prompt.
    var standaloneGenerators: [String] {
        guard samplers.isEmpty else { return [] }
        return workflow.nodes.filter { _, node in
            ["width", "height"].allSatisfy { node[input: $0]?.literal?.numberValue != nil }
                && (node.inputStorage.contains("seed") || node.inputStorage.contains("noise_seed"))
        }.map(\.id)
    }

    /// Every literal `filename_prefix` input.
    var filenamePrefixTargets: [InputTarget] {
        workflow.nodes.compactMap { id, node in
            node.inputStorage.contains("filename_prefix") ? resolveLiteral(InputTarget(nodeID: id, input: "filename_prefix"), depth: 0) : nil
        }
    }
}

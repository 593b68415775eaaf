/// What an image-to-video graph needs set to turn one still into a shot clip, found by graph analysis:
/// the `LoadImage` that takes the still, the input holding the frame count and how the model rounds
/// it, and the frame rate the clip is saved at.
///
/// ```swift
/// let clip = try ClipGraph(analyzing: graph, catalog: catalog)   // or lengthInput: "12.length"
/// let frames = clip.frames(forSeconds: 6)                        // 97 for Wan at 16 fps
/// let ready = try clip.applying(frames: frames, image: "storycore/shot_01_key.png", to: graph)
/// ```
///
/// The frame-count input is the `length` (or `video_frames`, `num_frames`, `frames`) input of a known
/// video latent or image-to-video node (`WanImageToVideo`, `LTXVImgToVideo`, ...), else of a node
/// feeding a sampler's `latent_image`; `lengthInput` names it when the analysis finds none. The
/// rounding comes from the catalogue (`min + k·step`: 4k+1 for Wan, 8k+1 for LTX-Video), or from the
/// known classes without one. The frame rate is the `fps` or `frame_rate` input of the saver (or of
/// `CreateVideo` feeding `SaveVideo`), through links to primitives.
public struct ClipGraph: Sendable, Hashable {
    /// The frame counts a model accepts: `minimum + k·step`, up to `maximum`.
    public struct FrameRule: Sendable, Hashable, CustomStringConvertible {
        /// The smallest count.
        public var minimum: Int
        /// The distance between two accepted counts (1: any count).
        public var step: Int
        /// The largest count, when bounded.
        public var maximum: Int?

        /// Creates a rule.
        public init(minimum: Int, step: Int, maximum: Int? = nil) {
            self.minimum = max(1, minimum)
            self.step = max(1, step)
            self.maximum = maximum
        }

        /// The smallest accepted count that is at least `frames` (at most `maximum`).
        public func rounded(_ frames: Int) -> Int {
            let wanted = max(frames, minimum)
            let k = (wanted - minimum + step - 1) / step
            let value = minimum + k * step
            guard let maximum, value > maximum else { return value }
            return minimum + (maximum - minimum) / step * step
        }

        /// `4k+1`, `8k+1`, or `any` for step 1.
        public var description: String {
            step == 1 ? "any count from \(minimum)" : "\(step)k+\(minimum % step) from \(minimum)"
        }
    }

    /// The `LoadImage` node taking the still.
    public let imageNode: NodeInputReference
    /// Every input the frame count goes into (usually one).
    public let lengthInputs: [NodeInputReference]
    /// How the count is rounded.
    public let rule: FrameRule
    /// Frames per second of the saved clip.
    public let frameRate: Double
    /// Where the frame rate was read.
    public let frameRateInput: NodeInputReference

    /// Video latent and image-to-video classes: their frame-count input and rounding without a catalogue.
    public static let knownLengthNodes: [String: (input: String, rule: FrameRule)] = [
        "WanImageToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "Wan22ImageToVideoLatent": ("length", FrameRule(minimum: 1, step: 4)),
        "WanFirstLastFrameToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "WanFunInpaintToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "WanCameraImageToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "WanVaceToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "EmptyHunyuanLatentVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "HunyuanImageToVideo": ("length", FrameRule(minimum: 1, step: 4)),
        "LTXVImgToVideo": ("length", FrameRule(minimum: 9, step: 8)),
        "EmptyLTXVLatentVideo": ("length", FrameRule(minimum: 1, step: 8)),
        "CosmosImageToVideoLatent": ("length", FrameRule(minimum: 1, step: 8)),
        "SVD_img2vid_Conditioning": ("video_frames", FrameRule(minimum: 1, step: 1)),
    ]

    /// Savers and encoders that carry the frame rate, and its input name.
    public static let frameRateInputs: [String: String] = [
        "SaveAnimatedWEBP": "fps", "SaveAnimatedPNG": "fps", "SaveWEBM": "fps", "CreateVideo": "fps",
        "VHS_VideoCombine": "frame_rate",
    ]

    /// Input names read as a frame count on a node that is not a known class.
    static let genericLengthNames = ["length", "video_frames", "num_frames", "frames"]

    /// Analyses `graph`. `lengthInput` names the frame-count input when the analysis cannot find one
    /// (it wins when given). Throws `ClipGraphError` naming what is missing, in one line.
    public init(analyzing graph: Workflow, catalog: NodeCatalog? = nil, lengthInput: NodeInputReference? = nil) throws(ClipGraphError) {
        let loaders = graph.nodes.filter { $0.node.classType == "LoadImage" }.map(\.id)
        var lengths: [NodeInputReference] = []
        var rule: FrameRule?
        if let named = lengthInput {
            guard let node = graph[named.nodeID] else { throw .lengthNodeMissing(named) }
            guard node.inputStorage[named.input] != nil || catalog?[node.classType]?.input(named: named.input) != nil else {
                throw .lengthInputUnknown(named, classType: node.classType)
            }
            lengths = [named]
            rule = Self.rule(for: node.classType, input: named.input, catalog: catalog)
        } else {
            for (id, node) in graph.nodes {
                guard let known = Self.knownLengthNodes[node.classType], node[input: known.input]?.literal?.numberValue != nil else { continue }
                lengths.append(NodeInputReference(nodeID: id, input: known.input))
                rule = rule ?? Self.rule(for: node.classType, input: known.input, catalog: catalog)
            }
            if lengths.isEmpty {
                let samplerGraph = SamplerGraph(graph)
                for name in Self.genericLengthNames {
                    for target in samplerGraph.sizeNodes(input: name) where graph[target.nodeID]?[input: target.input]?.literal?.numberValue != nil {
                        let reference = NodeInputReference(nodeID: target.nodeID, input: target.input)
                        if !lengths.contains(reference) { lengths.append(reference) }
                        rule = rule ?? Self.rule(for: graph[target.nodeID]?.classType ?? "", input: target.input, catalog: catalog)
                    }
                }
            }
            guard !lengths.isEmpty else { throw .noLengthInput }
        }
        let image = try Self.imageNode(graph, loaders: loaders, near: lengths.map(\.nodeID))
        self.imageNode = NodeInputReference(nodeID: image, input: "image")
        self.lengthInputs = lengths
        self.rule = rule ?? FrameRule(minimum: 1, step: 1)
        (frameRate, frameRateInput) = try Self.frameRate(graph)
    }

    /// The frame count of a clip of `seconds` at this graph's frame rate, rounded up to a count the model accepts.
    public func frames(forSeconds seconds: Double) -> Int {
        let exact = (seconds * frameRate).rounded(.up)
        let wanted = exact.isFinite ? Int(min(max(exact, 1), 1_000_000)) : rule.minimum
        return rule.rounded(wanted)
    }

    /// `graph` with `frames` in every frame-count input and `image` (a `LoadImage` value such as
    /// `subfolder/name.png`) in the still's `LoadImage`.
    public func applying(frames: Int, image: String, to graph: Workflow) -> Workflow {
        var out = graph
        for reference in lengthInputs {
            guard var node = out[reference.nodeID] else { continue }
            node.inputStorage[reference.input] = .int(frames)
            out[reference.nodeID] = node
        }
        if var node = out[imageNode.nodeID] {
            node.inputStorage[imageNode.input] = .string(image)
            out[imageNode.nodeID] = node
        }
        return out
    }

    static func rule(for classType: String, input: String, catalog: NodeCatalog?) -> FrameRule {
        if case .int(let c)? = catalog?[classType]?.input(named: input)?.type {
            let minimum = c.min?.int ?? 1
            return FrameRule(minimum: minimum, step: Int(clamping: c.step ?? 1), maximum: c.max?.int)
        }
        if let known = knownLengthNodes[classType], known.input == input { return known.rule }
        return FrameRule(minimum: 1, step: 1)
    }

    /// The `LoadImage` feeding the video nodes (walking back through image links), or the only one.
    static func imageNode(_ graph: Workflow, loaders: [String], near targets: [String]) throws(ClipGraphError) -> String {
        guard !loaders.isEmpty else { throw .noLoadImage }
        if loaders.count == 1 { return loaders[0] }
        var visited = Set<String>()
        var queue = targets
        while let id = queue.first {
            queue.removeFirst()
            guard visited.insert(id).inserted, visited.count < 10_000, let node = graph[id] else { continue }
            if loaders.contains(id) { return id }
            for (_, value) in node.inputs {
                if let link = value.link { queue.append(link.nodeID) }
            }
        }
        throw .ambiguousLoadImage(loaders)
    }

    /// The first saver's frame rate, through links to primitives.
    static func frameRate(_ graph: Workflow) throws(ClipGraphError) -> (Double, NodeInputReference) {
        let samplerGraph = SamplerGraph(graph)
        var candidates: [InputTarget] = []
        for (id, node) in graph.nodes {
            if let name = frameRateInputs[node.classType] { candidates.append(InputTarget(nodeID: id, input: name)) }
        }
        for (id, node) in graph.nodes where node.classType == "LTXVConditioning" {
            candidates.append(InputTarget(nodeID: id, input: "frame_rate"))
        }
        for candidate in candidates {
            guard let target = samplerGraph.resolveLiteral(candidate, depth: 0),
                  let value = graph[target.nodeID]?.inputStorage[target.input] else { continue }
            guard let rate = value.doubleValue, rate.isFinite, rate > 0 else {
                throw .frameRateNotANumber(NodeInputReference(nodeID: target.nodeID, input: target.input), found: value.serializedString())
            }
            return (rate, NodeInputReference(nodeID: candidate.nodeID, input: candidate.input))
        }
        throw .noFrameRate
    }
}

/// A `node_id.input` name, as `--clip-length-input 12.length` gives it.
public struct NodeInputReference: Sendable, Hashable, CustomStringConvertible {
    /// The node id (ids may contain dots).
    public var nodeID: String
    /// The input name.
    public var input: String

    /// Creates a reference.
    public init(nodeID: String, input: String) {
        self.nodeID = nodeID
        self.input = input
    }

    /// Parses `node_id.input`, splitting at the last dot; nil when either side is empty.
    public init?(parsing text: String) {
        guard let dot = text.lastIndex(of: "."), dot != text.startIndex, text.index(after: dot) != text.endIndex else { return nil }
        nodeID = String(text[..<dot])
        input = String(text[text.index(after: dot)...])
    }

    /// `node_id.input`.
    public var description: String { "\(nodeID).\(input)" }
}

/// Why a graph cannot make shot clips; `description` is one line saying what to change.
public enum ClipGraphError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `LoadImage` node takes the still.
    case noLoadImage
    /// Several `LoadImage` nodes, none of them feeding the video node.
    case ambiguousLoadImage([String])
    /// No frame-count input was found and none was named.
    case noLengthInput
    /// The named frame-count node is not in the graph.
    case lengthNodeMissing(NodeInputReference)
    /// The named node has no such input.
    case lengthInputUnknown(NodeInputReference, classType: String)
    /// No saver or `CreateVideo` carries a frame rate.
    case noFrameRate
    /// The frame rate input holds something other than a positive number.
    case frameRateNotANumber(NodeInputReference, found: String)

    /// One line.
    public var description: String {
        switch self {
        case .noLoadImage:
            return "the clip workflow has no LoadImage node to take the shot's panel image"
        case .ambiguousLoadImage(let ids):
            return "the clip workflow has several LoadImage nodes (\(ids.joined(separator: ", "))) and none feeds the video node"
        case .noLengthInput:
            return "the clip workflow has no frame-count input (length of WanImageToVideo, LTXVImgToVideo or a video latent node); name it with --clip-length-input NODE.INPUT"
        case .lengthNodeMissing(let reference):
            return "--clip-length-input \(reference): the clip workflow has no node \(reference.nodeID)"
        case .lengthInputUnknown(let reference, let classType):
            return "--clip-length-input \(reference): node \(reference.nodeID) (\(classType)) has no input \(reference.input)"
        case .noFrameRate:
            return "the clip workflow saves no frame rate (fps of SaveAnimatedWEBP, SaveAnimatedPNG, SaveWEBM or CreateVideo, frame_rate of VHS_VideoCombine)"
        case .frameRateNotANumber(let reference, let found):
            return "the clip workflow's frame rate \(reference) is \(found), not a positive number"
        }
    }
}

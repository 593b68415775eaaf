/// Why parameters could not be injected into a graph; each case names the node or parameter concerned.
public enum InjectionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A parameter found no input to go into, and was not marked optional.
    case noTarget(parameter: WorkflowParameters.Parameter, reason: String)
    /// A width, height or batch size the node cannot take (outside min/max or off its step); never rounded.
    case sizeNotAllowed(nodeID: String, classType: String, input: String, value: Int, constraints: IntegerConstraints)
    /// An injected or overridden value the catalogue rejects (wrong type, out of range, not in a list).
    case valueRejected(ValidationProblem)
    /// One text encoder feeds both the positive and the negative side, so the prompts cannot be told apart.
    case ambiguousPrompt(nodeID: String, classType: String)
    /// A prompt text input is linked to a node whose text cannot be set (not a primitive string).
    case promptNotEditable(nodeID: String, classType: String, input: String, reason: String)
    /// An override names a node id that is not in the graph.
    case overrideNodeMissing(NodeInputOverride)
    /// An override names an input the node's class does not declare.
    case overrideInputUnknown(NodeInputOverride, classType: String, known: [String])
    /// An override setting could not be parsed.
    case invalidOverride(text: String, reason: String)

    /// One line saying what is wrong, naming the node, input or parameter.
    public var description: String {
        switch self {
        case .noTarget(let parameter, let reason):
            return "parameter \(parameter) has no target in the workflow: \(reason)"
        case .sizeNotAllowed(let id, let type, let input, let value, let c):
            var allowed: [String] = []
            if let min = c.min { allowed.append("min \(min)") }
            if let max = c.max { allowed.append("max \(max)") }
            if let step = c.step, step > 1 { allowed.append("a multiple of \(step)") }
            return "node \(id) (\(type)) cannot take \(input) \(value): it must be \(allowed.joined(separator: ", "))"
        case .valueRejected(let problem):
            return "injected value rejected: \(problem)"
        case .ambiguousPrompt(let id, let type):
            return "node \(id) (\(type)) feeds both the positive and the negative conditioning; give each side its own text encoder"
        case .promptNotEditable(let id, let type, let input, let reason):
            return "node \(id) (\(type)) input \(input): prompt text cannot be set: \(reason)"
        case .overrideNodeMissing(let o):
            return "override \(o): node \(o.nodeID) is not in the workflow"
        case .overrideInputUnknown(let o, let type, let known):
            return "override \(o): class \(type) has no input \(o.input) (inputs: \(known.joined(separator: ", ")))"
        case .invalidOverride(let text, let reason):
            return "override '\(text)': \(reason)"
        }
    }
}

/// What injection produced: the new graph and one entry per input it set.
public struct InjectionResult: Sendable, Hashable {
    /// The graph with the parameters applied; the template it came from is unchanged.
    public var workflow: Workflow
    /// Every input set, in the order applied (each node input at most once, with its final value).
    public var changes: [InjectionChange]

    /// Creates a result.
    public init(workflow: Workflow, changes: [InjectionChange]) {
        self.workflow = workflow
        self.changes = changes
    }
}

/// One input that injection set: where, from what, to what, and why.
public struct InjectionChange: Sendable, Hashable, CustomStringConvertible {
    /// Why an input was set.
    public enum Source: Sendable, Hashable, CustomStringConvertible {
        /// A parameter of `WorkflowParameters`.
        case parameter(WorkflowParameters.Parameter)
        /// An explicit `node_id.input = value` override.
        case override

        /// The parameter name, or `override`.
        public var description: String {
            switch self {
            case .parameter(let p): p.description
            case .override: "override"
            }
        }
    }

    /// The node id.
    public var nodeID: String
    /// The node's class.
    public var classType: String
    /// The input name.
    public var input: String
    /// The value before (nil when the input was absent).
    public var oldValue: JSONValue?
    /// The value after.
    public var newValue: JSONValue
    /// The parameter or override that set it.
    public var source: Source
    /// A remark, e.g. that a seed was clamped into the input's range.
    public var note: String?

    /// Creates a change record.
    public init(nodeID: String, classType: String, input: String, oldValue: JSONValue?, newValue: JSONValue,
                source: Source, note: String? = nil) {
        self.nodeID = nodeID
        self.classType = classType
        self.input = input
        self.oldValue = oldValue
        self.newValue = newValue
        self.source = source
        self.note = note
    }

    /// True when the value actually differs from before.
    public var isChange: Bool { oldValue != newValue }

    /// One line: `node 3 (KSampler) seed: 0 -> 803419 [seed]`.
    public var description: String {
        let old = oldValue?.serializedString() ?? "(absent)"
        return "node \(nodeID) (\(classType)) \(input): \(old) -> \(newValue.serializedString()) [\(source)]" + (note.map { " (\($0))" } ?? "")
    }
}

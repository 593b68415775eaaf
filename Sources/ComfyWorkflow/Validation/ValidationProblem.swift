/// One thing wrong with a graph as checked against a `NodeCatalog`, naming the node, its class and the input.
public struct ValidationProblem: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of problem the validator reports.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The node's `class_type` is not in the catalogue (often a missing custom node).
        case unknownClassType = "unknown_class_type"
        /// A required input is absent.
        case missingRequiredInput = "required_input_missing"
        /// A literal of the wrong JSON type (a string for an INT, a number for a STRING, a literal where a link is needed, ...).
        case wrongLiteralType = "invalid_input_type"
        /// A number below the input's minimum.
        case valueBelowMinimum = "value_smaller_than_min"
        /// A number above the input's maximum.
        case valueAboveMaximum = "value_bigger_than_max"
        /// An INT that is not on the input's step (ComfyUI would floor it silently).
        case valueOffStep = "value_off_step"
        /// A combo value the server does not offer (for example a checkpoint it does not have).
        case valueNotInList = "value_not_in_list"
        /// A list that is not a `[node_id, output_index]` link.
        case badLink = "bad_linked_input"
        /// A link to a node id that is not in the graph.
        case linkToMissingNode = "link_to_missing_node"
        /// A link to an output index the source node does not have.
        case linkToMissingOutput = "link_to_missing_output"
        /// A link whose source output type does not match the input type.
        case linkTypeMismatch = "return_type_mismatch"
        /// A cycle of links (ComfyUI rejects it without saying where).
        case cycle = "cycle"
        /// No node of the graph is an output node, so the server would run nothing.
        case noOutputNode = "prompt_no_outputs"
    }

    /// What is wrong.
    public var kind: Kind
    /// The node the problem is attached to; nil only for graph-wide problems (`noOutputNode`).
    public var nodeID: String?
    /// That node's class.
    public var classType: String?
    /// The input concerned, when the problem is about one input.
    public var input: String?
    /// A sentence saying what is wrong and what was expected.
    public var message: String

    /// Creates a problem.
    public init(kind: Kind, nodeID: String?, classType: String?, input: String?, message: String) {
        self.kind = kind
        self.nodeID = nodeID
        self.classType = classType
        self.input = input
        self.message = message
    }

    /// One line: `node 5 (EmptyLatentImage) input width: value 20000 bigger than max 16384 [value_bigger_than_max]`.
    public var description: String {
        var place = "graph"
        if let nodeID { place = "node \(nodeID)" + (classType.map { " (\($0))" } ?? "") }
        if let input { place += " input \(input)" }
        return "\(place): \(message) [\(kind.rawValue)]"
    }
}

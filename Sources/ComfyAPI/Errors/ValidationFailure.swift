import ComfyWorkflow
import Foundation

/// Why `POST /prompt` refused a workflow: the server's top-level error and each node's input errors.
public struct ValidationFailure: Sendable, Hashable, CustomStringConvertible {
    /// The server's error code, for example `prompt_outputs_failed_validation`, `invalid_prompt` or `no_prompt`.
    public var type: String
    /// The server's top-level message.
    public var message: String
    /// The server's details text; often empty, read `nodeErrors` instead.
    public var details: String
    /// The node named in `details` as `Node ID '#<id>'` (unknown or missing `class_type`), when there is one.
    public var nodeID: String?
    /// One entry per input error of every node the server listed.
    public var nodeErrors: [NodeValidationError]

    /// Creates a failure from its parts.
    public init(type: String, message: String, details: String, nodeID: String? = nil, nodeErrors: [NodeValidationError]) {
        self.type = type
        self.message = message
        self.details = details
        self.nodeID = nodeID
        self.nodeErrors = nodeErrors
    }

    /// Reads a 400 reply body `{"error": {...}, "node_errors": {...}}`; nil when it has no `error` object.
    init?(reply: JSONValue) {
        guard let error = reply["error"], error.objectValue != nil else { return nil }
        type = error["type"]?.stringValue ?? "unknown"
        message = error["message"]?.stringValue ?? ""
        details = error["details"]?.stringValue ?? ""
        nodeID = ValidationFailure.nodeID(inDetails: details)
        nodeErrors = NodeValidationError.list(from: reply["node_errors"])
    }

    /// One line: the top-level message, then each node error (at most five, then a count).
    public var description: String {
        var line = "ComfyUI refused the workflow: \(message.isEmpty ? type : message)"
        if let nodeID { line += " (node \(nodeID))" }
        if !details.isEmpty && nodeErrors.isEmpty && nodeID == nil { line += ": \(ComfyError.oneLine(details, limit: 200))" }
        if !nodeErrors.isEmpty {
            let shown = nodeErrors.prefix(5).map(\.description).joined(separator: "; ")
            line += ": " + shown
            if nodeErrors.count > 5 { line += "; and \(nodeErrors.count - 5) more" }
        }
        return line
    }

    static func nodeID(inDetails details: String) -> String? {
        guard let start = details.range(of: "Node ID '#") else { return nil }
        let rest = details[start.upperBound...]
        guard let end = rest.firstIndex(of: "'") else { return nil }
        return String(rest[..<end])
    }
}

/// One input error of one node, as the server reported it in `node_errors`.
public struct NodeValidationError: Sendable, Hashable, CustomStringConvertible {
    /// The node id in the submitted graph.
    public var nodeID: String
    /// The node's `class_type`.
    public var classType: String
    /// The error code, for example `value_bigger_than_max` or `required_input_missing`.
    public var type: String
    /// The server's message, for example `Value 20000 bigger than max of 16384`.
    public var message: String
    /// The server's details, often the input name.
    public var details: String
    /// The input at fault (`extra_info.input_name`), when the server named one.
    public var inputName: String?
    /// The output nodes this error blocked.
    public var dependentOutputs: [String]

    /// Creates a node error from its parts.
    public init(nodeID: String, classType: String, type: String, message: String, details: String, inputName: String?, dependentOutputs: [String]) {
        self.nodeID = nodeID
        self.classType = classType
        self.type = type
        self.message = message
        self.details = details
        self.inputName = inputName
        self.dependentOutputs = dependentOutputs
    }

    /// One line: node id, class, input and message.
    public var description: String {
        var line = "node \(nodeID) (\(classType))"
        if let inputName { line += " input \(inputName)" }
        line += ": \(message.isEmpty ? type : message)"
        if !details.isEmpty && details != inputName { line += " [\(ComfyError.oneLine(details, limit: 120))]" }
        return line
    }

    /// Flattens a `node_errors` object into one entry per error, nodes in reply order; anything malformed is skipped.
    static func list(from value: JSONValue?) -> [NodeValidationError] {
        guard let nodes = value?.objectValue else { return [] }
        var out: [NodeValidationError] = []
        for (nodeID, entry) in nodes {
            let classType = entry["class_type"]?.stringValue ?? "?"
            let dependents = entry["dependent_outputs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let errors = entry["errors"]?.arrayValue ?? []
            if errors.isEmpty {
                out.append(NodeValidationError(nodeID: nodeID, classType: classType, type: "unknown", message: "invalid", details: "", inputName: nil, dependentOutputs: dependents))
            }
            for error in errors {
                out.append(NodeValidationError(
                    nodeID: nodeID,
                    classType: classType,
                    type: error["type"]?.stringValue ?? "unknown",
                    message: error["message"]?.stringValue ?? "",
                    details: error["details"]?.stringValue ?? "",
                    inputName: error["extra_info"]?["input_name"]?.stringValue,
                    dependentOutputs: dependents))
            }
        }
        return out
    }
}

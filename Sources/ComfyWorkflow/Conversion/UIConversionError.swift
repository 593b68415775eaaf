/// Why a UI-format export could not be converted to the API format; each case names the node.
public enum UIConversionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The document's structure is not a UI export where it must be; `path` is the JSON path.
    case malformed(path: String, reason: String)
    /// A node uses a subgraph (or a legacy group node), which this converter does not expand.
    case subgraph(nodeID: String, type: String)
    /// A node's class is not in the server's catalogue, so its widget values cannot be named.
    case unknownClass(nodeID: String, type: String)
    /// A node's widget values do not fit its class's widget inputs.
    case widgetMismatch(nodeID: String, type: String, reason: String)
    /// A link cannot be followed (missing link id or node, a reroute or bypass loop, a bypassed node with no matching input).
    case brokenLink(nodeID: String, input: String, reason: String)

    /// One line naming the node and saying how to get an API-format file instead.
    public var description: String {
        let advice = "; " + WorkflowLoadError.exportAdvice
        switch self {
        case .malformed(let path, let reason):
            return "cannot convert the UI export: \(path): \(reason)\(advice)"
        case .subgraph(let id, let type):
            return "cannot convert the UI export: node \(id) (\(type)) is a subgraph or group node, which is not expanded\(advice)"
        case .unknownClass(let id, let type):
            return "cannot convert the UI export: node \(id) has class \(type), which the server does not offer (install the custom node, or \(WorkflowLoadError.exportAdvice))"
        case .widgetMismatch(let id, let type, let reason):
            return "cannot convert the UI export: node \(id) (\(type)): \(reason)\(advice)"
        case .brokenLink(let id, let input, let reason):
            return "cannot convert the UI export: node \(id) input \(input): \(reason)\(advice)"
        }
    }
}

import ComfyWorkflow

/// A node that raised while a prompt ran, as reported by `execution_error`.
public struct ExecutionFailure: Sendable, Hashable, CustomStringConvertible {
    /// The prompt that failed.
    public var promptID: String
    /// The real (not expanded) id of the node that raised.
    public var nodeID: String
    /// The node's `class_type`.
    public var nodeType: String
    /// The exception's class, for example `RuntimeError` or `torch.OutOfMemoryError`.
    public var exceptionType: String
    /// The exception text, with the server's trailing newline removed.
    public var exceptionMessage: String
    /// The server-side traceback lines (they hold server paths).
    public var traceback: [String]
    /// Ids of nodes that ran before the failure.
    public var executed: [String]

    /// Creates a failure from its parts; `exceptionMessage` is trimmed of surrounding white space.
    public init(promptID: String, nodeID: String, nodeType: String, exceptionType: String, exceptionMessage: String, traceback: [String] = [], executed: [String] = []) {
        self.promptID = promptID
        self.nodeID = nodeID
        self.nodeType = nodeType
        self.exceptionType = exceptionType
        self.exceptionMessage = exceptionMessage.trimmingCharacters(in: .whitespacesAndNewlines)
        self.traceback = traceback
        self.executed = executed
    }

    /// Reads an `execution_error` payload; nil without a `prompt_id`.
    init?(json data: JSONValue) {
        guard let promptID = data["prompt_id"]?.stringValue else { return nil }
        self.init(
            promptID: promptID,
            nodeID: data["node_id"]?.stringValue ?? "?",
            nodeType: data["node_type"]?.stringValue ?? "?",
            exceptionType: data["exception_type"]?.stringValue ?? "Exception",
            exceptionMessage: data["exception_message"]?.stringValue ?? "",
            traceback: data["traceback"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            executed: data["executed"]?.arrayValue?.compactMap(\.stringValue) ?? [])
    }

    /// True when the failure is an out-of-memory condition.
    ///
    /// Recognised from the exception type (`torch.OutOfMemoryError`, `torch.cuda.OutOfMemoryError`, any
    /// `…OutOfMemoryError`) or from the allocator wording of CUDA, HIP, MPS and the CPU allocator, or ComfyUI's
    /// out-of-memory tip. A message that merely mentions "memory" is not enough.
    public var isOutOfMemory: Bool {
        if exceptionType.hasSuffix("OutOfMemoryError") { return true }
        let text = exceptionMessage.lowercased()
        let markers = [
            "cuda out of memory", "hip out of memory", "mps backend out of memory",
            "defaultcpuallocator: can't allocate memory", "this error means you ran out of memory on your gpu",
        ]
        return markers.contains { text.contains($0) }
    }

    /// True for ComfyUI's `ExecutionBlocked` report, which does not stop the prompt.
    public var isExecutionBlocked: Bool { exceptionType == "ExecutionBlocked" }

    /// One line: prompt, node, exception type and the first line of the message.
    public var description: String {
        let firstLine = exceptionMessage.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        return "prompt \(promptID) failed at node \(nodeID) (\(nodeType)): \(exceptionType): \(ComfyError.oneLine(firstLine, limit: 240))"
    }
}

import Foundation

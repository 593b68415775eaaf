import ComfyWorkflow

/// One reason a job cannot run on a server, found before anything is submitted.
public struct PlanProblem: Sendable, Hashable, CustomStringConvertible {
    /// The panel whose job has the problem.
    public var panelID: String
    /// The server whose catalogue refused it (nil for problems independent of a server).
    public var server: String?
    /// The node concerned, when known.
    public var nodeID: String?
    /// That node's class, when known.
    public var classType: String?
    /// What is wrong.
    public var message: String

    /// Creates a problem.
    public init(panelID: String, server: String?, nodeID: String?, classType: String?, message: String) {
        self.panelID = panelID
        self.server = server
        self.nodeID = nodeID
        self.classType = classType
        self.message = message
    }

    /// A problem from the validator.
    init(panelID: String, server: String?, problem: ValidationProblem) {
        self.init(panelID: panelID, server: server, nodeID: problem.nodeID, classType: problem.classType, message: problem.description)
    }

    /// A problem from injection.
    init(panelID: String, server: String?, injection: InjectionError) {
        var nodeID: String?
        var classType: String?
        switch injection {
        case .sizeNotAllowed(let id, let type, _, _, _), .ambiguousPrompt(let id, let type), .promptNotEditable(let id, let type, _, _):
            nodeID = id
            classType = type
        case .valueRejected(let problem):
            nodeID = problem.nodeID
            classType = problem.classType
        default:
            break
        }
        self.init(panelID: panelID, server: server, nodeID: nodeID, classType: classType, message: injection.description)
    }

    /// `panel <id> on <server>: <message>`.
    public var description: String {
        "panel \(panelID)\(server.map { " on \($0)" } ?? ""): \(message)"
    }
}

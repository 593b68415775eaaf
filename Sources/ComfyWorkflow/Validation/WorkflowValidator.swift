/// Checks an API-format graph against a server's `NodeCatalog` and reports every problem at once.
///
/// It checks what ComfyUI's `POST /prompt` validation checks (class types, required inputs, literal
/// types, min/max, combo lists, links and their types, an output node) and, stricter than
/// ComfyUI, INT steps, whole numbers for INT inputs, link cycles, and links from a node whose
/// inputs failed. It never throws and never traps, whatever the graph holds.
///
/// Entry point: `workflow.validate(against: catalog)`, or `WorkflowValidator(catalog:).validate(_:)`.
public struct WorkflowValidator: Sendable {
    /// What the validator checks beyond ComfyUI's own rules.
    public struct Options: Sendable, Hashable {
        /// Report INT values off their input's `step` (ComfyUI floors them silently). Default true.
        public var checkSteps: Bool
        /// Report a graph with no output node. Default true.
        public var requireOutputNode: Bool

        /// Creates options; the defaults check everything.
        public init(checkSteps: Bool = true, requireOutputNode: Bool = true) {
            self.checkSteps = checkSteps
            self.requireOutputNode = requireOutputNode
        }
    }

    /// The server's node classes.
    public var catalog: NodeCatalog
    /// What to check.
    public var options: Options

    /// Creates a validator for the graphs of one server.
    public init(catalog: NodeCatalog, options: Options = Options()) {
        self.catalog = catalog
        self.options = options
    }

    /// Every problem of `workflow`, in node order; empty when the server would accept the graph.
    public func validate(_ workflow: Workflow) -> [ValidationProblem] {
        var problems: [ValidationProblem] = []
        var hasOutput = false
        var hasUnknownClass = false
        for (id, node) in workflow.nodes {
            guard let definition = catalog[node.classType] else {
                hasUnknownClass = true
                problems.append(ValidationProblem(kind: .unknownClassType, nodeID: id, classType: node.classType, input: nil,
                                                  message: "class \(node.classType) is not offered by the server (a missing custom node?)"))
                continue
            }
            if definition.isOutputNode { hasOutput = true }
            for input in definition.clientInputs {
                let context = Context(id: id, node: node, input: input)
                guard let value = node.inputStorage[input.name] else {
                    if input.section == .required {
                        problems.append(context.problem(.missingRequiredInput, "required input is missing"))
                    }
                    continue
                }
                problems += check(value, context, in: workflow)
            }
        }
        problems += cycleProblems(in: workflow)
        if options.requireOutputNode, !hasOutput, !hasUnknownClass {
            problems.append(ValidationProblem(kind: .noOutputNode, nodeID: nil, classType: nil, input: nil,
                                              message: "no output node (such as SaveImage), so the server would run nothing"))
        }
        return problems
    }

    struct Context {
        let id: String
        let node: Node
        let input: InputDefinition

        func problem(_ kind: ValidationProblem.Kind, _ message: String) -> ValidationProblem {
            ValidationProblem(kind: kind, nodeID: id, classType: node.classType, input: input.name, message: message)
        }
    }

    func check(_ value: JSONValue, _ context: Context, in workflow: Workflow) -> [ValidationProblem] {
        if case .array(let items) = value {
            return checkLink(items, context, in: workflow)
        }
        if case .object(let o) = value, o.count == 1, o["__value__"] != nil { return [] }
        return checkLiteral(value, context)
    }

    func checkLink(_ items: [JSONValue], _ context: Context, in workflow: Workflow) -> [ValidationProblem] {
        guard items.count == 2, case .link(let sourceID, let slot) = NodeInput(json: .array(items)) else {
            let reason = items.count == 2 && items[0].stringValue == nil
                ? "a link's node id must be a string, as in [\"4\", 0]"
                : "a list must be a [node_id, output_index] link (wrap a literal list as {\"__value__\": [...]})"
            return [context.problem(.badLink, reason + ", found " + JSONValue.array(items).serializedString())]
        }
        guard let source = workflow[sourceID] else {
            return [context.problem(.linkToMissingNode, "links to node \(sourceID), which is not in the graph")]
        }
        guard let sourceDefinition = catalog[source.classType] else { return [] }
        guard slot >= 0, slot < sourceDefinition.outputs.count else {
            return [context.problem(.linkToMissingOutput,
                                    "links to output \(slot) of node \(sourceID) (\(source.classType)), which has \(sourceDefinition.outputs.count) output(s)")]
        }
        let received = sourceDefinition.outputs[slot].type
        guard Self.typesMatch(received: received, input: context.input.type) else {
            return [context.problem(.linkTypeMismatch,
                                    "node \(sourceID) output \(slot) gives \(received) but the input takes \(context.input.type.name)")]
        }
        return []
    }

    /// True when an output of type `received` may feed an input of type `input`, by ComfyUI's rules
    /// (`*` matches anything; comma lists match when they share a type).
    public static func typesMatch(received: String, input: InputType) -> Bool {
        if case .combo = input, received == "COMBO" || received == "STRING" || received == "*" { return true }
        let inputType = input.name
        if received == inputType || received == "*" || inputType == "*" { return true }
        if received.hasPrefix("COMFY_MATCHTYPE") || inputType.hasPrefix("COMFY_MATCHTYPE") { return true }
        let r = Set(received.split(separator: ",").map { $0.trimmingSpaces })
        let i = Set(inputType.split(separator: ",").map { $0.trimmingSpaces })
        return r.contains("*") || i.contains("*") || !r.isDisjoint(with: i)
    }

    func checkLiteral(_ value: JSONValue, _ c: Context) -> [ValidationProblem] {
        let shown = Self.shortText(value)
        switch c.input.type {
        case .connection(let type):
            if type == "*" { return [] }
            return [c.problem(.wrongLiteralType, "takes a link to a \(type) output, found the literal \(shown)")]
        case .boolean:
            if value.boolValue != nil { return [] }
            return [c.problem(.wrongLiteralType, "takes a BOOLEAN (true or false), found \(shown)")]
        case .string:
            if value.stringValue != nil { return [] }
            return [c.problem(.wrongLiteralType, "takes a STRING, found \(shown)")]
        case .float(let limits):
            guard let number = value.numberValue else {
                return [c.problem(.wrongLiteralType, "takes a FLOAT, found \(shown)")]
            }
            let v = number.double
            if let min = limits.min, v < min {
                return [c.problem(.valueBelowMinimum, "value \(number) is smaller than the minimum \(JSONNumber(min))")]
            }
            if let max = limits.max, v > max {
                return [c.problem(.valueAboveMaximum, "value \(number) is bigger than the maximum \(JSONNumber(max))")]
            }
            return []
        case .int(let limits):
            return checkInteger(value, limits, c)
        case .combo(let choices):
            if choices.contains(where: { Self.sameChoice($0, value) }) { return [] }
            if c.input.isUploadCombo, let s = value.stringValue, s.contains("/") || s.hasSuffix("]") { return [] }
            let listed = choices.prefix(8).map(Self.shortText).joined(separator: ", ")
            let more = choices.count > 8 ? ", … (\(choices.count) values)" : ""
            let offered = choices.isEmpty ? "the server offers no values" : "the server offers \(listed)\(more)"
            return [c.problem(.valueNotInList, "value \(shown) is not in the list; \(offered)")]
        }
    }

    func checkInteger(_ value: JSONValue, _ limits: IntegerConstraints, _ c: Context) -> [ValidationProblem] {
        guard let number = value.numberValue else {
            return [c.problem(.wrongLiteralType, "takes an INT, found \(Self.shortText(value))")]
        }
        guard let v = WideInteger(number) else {
            if number.isInteger || number.double.magnitude >= 18_446_744_073_709_551_616.0 {
                let negative = number.text.hasPrefix("-")
                return [c.problem(negative ? .valueBelowMinimum : .valueAboveMaximum,
                                  "value \(number) does not fit in 64 bits")]
            }
            return [c.problem(.wrongLiteralType, "takes an INT, found the fraction \(number)")]
        }
        if let min = limits.min, v < min {
            return [c.problem(.valueBelowMinimum, "value \(number) is smaller than the minimum \(min)")]
        }
        if let max = limits.max, v > max {
            return [c.problem(.valueAboveMaximum, "value \(number) is bigger than the maximum \(max)")]
        }
        if options.checkSteps, let step = limits.step, step > 1,
           !v.isOnStep(step, from: WideInteger(0)), !v.isOnStep(step, from: limits.min ?? WideInteger(0)) {
            return [c.problem(.valueOffStep, "value \(number) is not a multiple of the step \(step)")]
        }
        return []
    }

    static func sameChoice(_ choice: JSONValue, _ value: JSONValue) -> Bool {
        if choice == value { return true }
        if let a = choice.numberValue, let b = value.numberValue { return a.double == b.double }
        return false
    }

    static func shortText(_ value: JSONValue) -> String {
        let text = value.serializedString()
        return text.count > 60 ? String(text.prefix(57)) + "..." : text
    }

    func cycleProblems(in workflow: Workflow) -> [ValidationProblem] {
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var problems: [ValidationProblem] = []
        for start in workflow.nodeIDs where state[start] == nil {
            var stack: [(id: String, next: [String])] = [(start, Self.linkedSources(of: start, in: workflow))]
            state[start] = 1
            while !stack.isEmpty {
                if let source = stack[stack.count - 1].next.popLast() {
                    switch state[source] {
                    case nil:
                        state[source] = 1
                        stack.append((source, Self.linkedSources(of: source, in: workflow)))
                    case 1:
                        let node = workflow[source]
                        problems.append(ValidationProblem(kind: .cycle, nodeID: source, classType: node?.classType, input: nil,
                                                          message: "is part of a cycle of links through node \(stack[stack.count - 1].id)"))
                    default: break
                    }
                } else {
                    state[stack.removeLast().id] = 2
                }
            }
        }
        return problems
    }

    static func linkedSources(of id: String, in workflow: Workflow) -> [String] {
        guard let node = workflow[id] else { return [] }
        return node.inputStorage.values.compactMap { NodeInput(json: $0).link?.nodeID }.filter { workflow[$0] != nil }.reversed()
    }
}

extension Workflow {
    /// Every problem the server (and this package's stricter checks) would find in this graph; empty when it is valid.
    ///
    /// Problems name the node id, class type and input, and are all reported at once (see `WorkflowValidator`).
    public func validate(against catalog: NodeCatalog, options: WorkflowValidator.Options = .init()) -> [ValidationProblem] {
        WorkflowValidator(catalog: catalog, options: options).validate(self)
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(self.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}

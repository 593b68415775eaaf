import ComfyWorkflow
import Foundation

/// What `POST /prompt` validation decided.
struct ValidationOutcome: Sendable {
    /// The top-level `error` object, or nil when at least one output is valid (the prompt is queued).
    var error: JSONValue?
    /// Per-node errors (also non-empty on success when some outputs were dropped).
    var nodeErrors: JSONObject
    /// The output node ids that will run, in prompt order.
    var outputs: [String]
    /// The prompt with validation's coercions applied (what `/queue` and `/history` show).
    var prompt: JSONObject
}

/// A second implementation of ComfyUI 0.8's `validate_prompt` / `validate_inputs` over the emulator's
/// catalogue: the same checks in the same order, producing the same error objects.
struct PromptValidator {
    let catalog: NodeCatalog
    /// True when `LoadImage` would find this annotated file name.
    let inputFileExists: (String) -> Bool

    private typealias Result = (valid: Bool, reasons: [JSONValue])

    /// Validates `prompt` (the value of the request's `prompt` key, already known to be an object).
    /// `targets` is `partial_execution_targets` when given. Throws `LinkFailure` only for malformed
    /// targets, which the real server answers with a 500.
    func validate(_ prompt: JSONObject, targets: JSONValue?) -> ValidationOutcome {
        var outputs: [String] = []
        for (id, node) in prompt {
            guard case .object(let fields) = node, let classValue = fields["class_type"] else {
                return ValidationOutcome(error: ValidationErrors.missingClassType(id), nodeErrors: [:], outputs: [], prompt: prompt)
            }
            let classType = PythonText.str(classValue)
            guard let cls = catalog[classType], case .string = classValue else {
                return ValidationOutcome(error: ValidationErrors.unknownClass(classType, id), nodeErrors: [:], outputs: [], prompt: prompt)
            }
            if cls.isOutputNode, PromptValidator.selected(id, by: targets) { outputs.append(id) }
        }
        if outputs.isEmpty {
            return ValidationOutcome(error: ValidationErrors.noOutputs(), nodeErrors: [:], outputs: [], prompt: prompt)
        }
        var state = State(prompt: prompt)
        var good: [String] = []
        var failedDetails: [String] = []
        var nodeErrors = JSONObject()
        for output in outputs {
            var result: Result
            do {
                result = try validateInputs(output, &state, inner: false)
            } catch {
                let reason = ValidationErrors.error("exception_during_validation", "Exception when validating node", error.message,
                                                    ["exception_type": .string(error.typeName),
                                                     "traceback": .array(ValidationErrors.linkLookupTraceback(error, inner: false))])
                result = (false, [reason])
                state.record(output, result)
            }
            if result.valid {
                good.append(output)
                continue
            }
            for reason in result.reasons {
                failedDetails.append("\(reason["message"]?.stringValue ?? ""): \(reason["details"]?.stringValue ?? "")")
            }
            for (nodeID, entry) in zip(state.order, state.order.map { state.results[$0]! }) where !entry.valid && !entry.reasons.isEmpty {
                var record = nodeErrors[nodeID]?.objectValue ?? [
                    "errors": .array(entry.reasons), "dependent_outputs": [],
                    "class_type": state.prompt[nodeID]?["class_type"] ?? .null,
                ]
                var dependents = record["dependent_outputs"]?.arrayValue ?? []
                dependents.append(.string(output))
                record["dependent_outputs"] = .array(dependents)
                nodeErrors[nodeID] = .object(record)
            }
        }
        if good.isEmpty {
            return ValidationOutcome(error: ValidationErrors.outputsFailed(failedDetails.joined(separator: "\n")),
                                     nodeErrors: nodeErrors, outputs: [], prompt: state.prompt)
        }
        return ValidationOutcome(error: nil, nodeErrors: nodeErrors, outputs: good, prompt: state.prompt)
    }

    /// `x in partial_execution_targets` with Python semantics for lists and strings.
    static func selected(_ id: String, by targets: JSONValue?) -> Bool {
        switch targets {
        case nil, .null?: return true
        case .array(let items)?: return items.contains(.string(id))
        case .string(let s)?: return s.contains(id)
        case .object(let o)?: return o.contains(id)
        default: return false
        }
    }

    private struct State {
        var prompt: JSONObject
        var results: [String: Result] = [:]
        var order: [String] = []
        var inProgress: Set<String> = []

        mutating func record(_ id: String, _ result: Result) {
            if results[id] == nil { order.append(id) }
            results[id] = result
        }

        mutating func setInput(_ id: String, _ name: String, _ value: JSONValue) {
            guard case .object(var node)? = prompt[id], case .object(var inputs)? = node["inputs"] else { return }
            inputs[name] = value
            node["inputs"] = .object(inputs)
            prompt[id] = .object(node)
        }
    }

    private func validateInputs(_ id: String, _ state: inout State, inner: Bool) throws(LinkFailure) -> Result {
        if let done = state.results[id] { return done }
        guard let node = state.prompt[id]?.objectValue, let classType = node["class_type"]?.stringValue,
              let cls = catalog[classType] else { return (false, []) }
        state.inProgress.insert(id)
        defer { state.inProgress.remove(id) }
        let inputs = node["inputs"]?.objectValue ?? JSONObject()
        var errors: [JSONValue] = []
        var valid = true
        let customValidated: Set<String> = classType == "LoadImage" ? ["image"] : []
        for spec in cls.inputs {
            let name = spec.name
            guard var value = inputs[name] else {
                if spec.required { errors.append(ValidationErrors.requiredMissing(name)) }
                continue
            }
            if case .array(let link) = value {
                guard link.count == 2 else {
                    errors.append(ValidationErrors.badLink(name, spec, value))
                    continue
                }
                let sourceID = try linkedNodeID(link[0], in: state.prompt)
                guard let sourceClass = state.prompt[sourceID]?["class_type"]?.stringValue.flatMap({ catalog[$0] }) else {
                    throw LinkFailure(kind: .keyError, message: PythonText.repr(link[0]))
                }
                let receivedType = try returnType(sourceClass.outputTypes, link[1])
                if !PromptValidator.typesMatch(received: receivedType, declared: spec) {
                    errors.append(ValidationErrors.typeMismatch(name, spec, received: receivedType, link: value))
                    continue
                }
                if state.inProgress.contains(sourceID) { valid = false; continue }
                do {
                    let upstream = try validateInputs(sourceID, &state, inner: true)
                    if !upstream.valid { valid = false }
                } catch {
                    valid = false
                    let reason = ValidationErrors.error(
                        "exception_during_inner_validation", "Exception when validating inner node", error.message,
                        ["input_name": .string(name), "input_config": spec.config, "exception_message": .string(error.message),
                         "exception_type": .string(error.typeName),
                         "traceback": .array(ValidationErrors.linkLookupTraceback(error, inner: true)), "linked_node": value])
                    state.record(sourceID, (false, [reason]))
                }
                continue
            }
            if case .object(let wrapped) = value, let inner = wrapped["__value__"] {
                value = inner
                state.setInput(id, name, value)
            }
            if let typeName = spec.typeName {
                do {
                    let converted = try ValueCoercion.coerce(value, to: typeName)
                    if converted != value { state.setInput(id, name, converted) }
                    value = converted
                } catch {
                    errors.append(ValidationErrors.conversion(name, spec, value, error))
                    continue
                }
            }
            if customValidated.contains(name) { continue }
            if let min = spec.options["min"], case .number(let minN) = min, case .number(let v) = value, PythonText.compare(v, minN) < 0 {
                errors.append(ValidationErrors.belowMin(name, spec, value, min))
                continue
            }
            if let max = spec.options["max"], case .number(let maxN) = max, case .number(let v) = value, PythonText.compare(v, maxN) > 0 {
                errors.append(ValidationErrors.aboveMax(name, spec, value, max))
                continue
            }
            if let options = spec.comboOptions, !options.contains(where: { PromptValidator.pythonEqual($0, value) }) {
                errors.append(ValidationErrors.notInList(name, spec, value, options: options))
                continue
            }
        }
        if classType == "LoadImage", let image = inputs["image"], image.arrayValue == nil {
            let name = PythonText.str(image)
            if !inputFileExists(name) { errors.append(ValidationErrors.customValidation("image", "Invalid image file: \(name)")) }
        }
        let result: Result = (errors.isEmpty && valid, errors)
        state.record(id, result)
        _ = inner
        return result
    }

    private func linkedNodeID(_ value: JSONValue, in prompt: JSONObject) throws(LinkFailure) -> String {
        guard case .string(let s) = value, prompt[s] != nil else {
            throw LinkFailure(kind: .keyError, message: PythonText.repr(value))
        }
        return s
    }

    private func returnType(_ types: [String], _ slot: JSONValue) throws(LinkFailure) -> String {
        switch slot {
        case .number(let n) where n.isInteger:
            guard let i = n.int else { throw LinkFailure(kind: .indexError, message: "cannot fit 'int' into an index-sized integer") }
            let index = i < 0 ? types.count + i : i
            guard types.indices.contains(index) else { throw LinkFailure(kind: .indexError, message: "tuple index out of range") }
            return types[index]
        case .bool(let b):
            let index = b ? 1 : 0
            guard types.indices.contains(index) else { throw LinkFailure(kind: .indexError, message: "tuple index out of range") }
            return types[index]
        default:
            throw LinkFailure(kind: .typeError, message: "tuple indices must be integers or slices, not \(PythonText.typeName(slot))")
        }
    }

    /// ComfyUI's `validate_node_input`: `*` matches anything, comma lists match any member.
    static func typesMatch(received: String, declared: InputSpec) -> Bool {
        guard let declaredType = declared.typeName else { return true }
        if declaredType == "COMBO" { return true }
        if received == "*" || declaredType == "*" || received == declaredType { return true }
        let a = Set(received.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let b = Set(declaredType.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        return !a.isDisjoint(with: b)
    }

    /// Python `==` between two JSON-decoded values (so `1 == 1.0`, but `"1" != 1`).
    static func pythonEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return PythonText.compare(x, y) == 0
        case (.bool(let x), .number(let y)), (.number(let y), .bool(let x)): return PythonText.compare(JSONNumber(x ? 1 : 0), y) == 0
        default: return a == b
        }
    }
}

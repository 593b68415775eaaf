import ComfyWorkflow

/// The error objects ComfyUI's validation puts in `error` and `node_errors` (`execution.py`), built in
/// the same key order so replies match the real server byte for byte.
enum ValidationErrors {
    /// Where tracebacks say ComfyUI lives; the transcripts use this placeholder for the machine path.
    static let root = "<COMFYUI_DIR>"

    static func error(_ type: String, _ message: String, _ details: String, _ extra: JSONObject = JSONObject()) -> JSONValue {
        ["type": .string(type), "message": .string(message), "details": .string(details), "extra_info": .object(extra)]
    }

    static func noPrompt() -> JSONValue { error("no_prompt", "No prompt provided", "No prompt provided") }

    static func missingClassType(_ id: String) -> JSONValue {
        error("invalid_prompt", "Cannot execute because a node is missing the class_type property.", "Node ID '#\(id)'")
    }

    static func unknownClass(_ classType: String, _ id: String) -> JSONValue {
        error("invalid_prompt", "Cannot execute because node \(classType) does not exist.", "Node ID '#\(id)'")
    }

    static func noOutputs() -> JSONValue { error("prompt_no_outputs", "Prompt has no outputs", "") }

    static func outputsFailed(_ details: String) -> JSONValue {
        error("prompt_outputs_failed_validation", "Prompt outputs failed validation", details)
    }

    static func requiredMissing(_ input: String) -> JSONValue {
        error("required_input_missing", "Required input is missing", input, ["input_name": .string(input)])
    }

    static func badLink(_ input: String, _ spec: InputSpec, _ value: JSONValue) -> JSONValue {
        error("bad_linked_input", "Bad linked input, must be a length-2 list of [node_id, slot_index]", input,
              ["input_name": .string(input), "input_config": spec.config, "received_value": value])
    }

    static func typeMismatch(_ input: String, _ spec: InputSpec, received: String, link: JSONValue) -> JSONValue {
        error("return_type_mismatch", "Return type mismatch between linked nodes",
              "\(input), received_type(\(received)) mismatch input_type(\(spec.displayType))",
              ["input_name": .string(input), "input_config": spec.config, "received_type": .string(received), "linked_node": link])
    }

    static func conversion(_ input: String, _ spec: InputSpec, _ value: JSONValue, _ failure: ConversionFailure) -> JSONValue {
        error("invalid_input_type", "Failed to convert an input value to a \(spec.displayType) value",
              "\(input), \(PythonText.str(value)), \(failure.message)",
              ["input_name": .string(input), "input_config": spec.config, "received_value": value,
               "exception_message": .string(failure.message)])
    }

    static func belowMin(_ input: String, _ spec: InputSpec, _ value: JSONValue, _ min: JSONValue) -> JSONValue {
        error("value_smaller_than_min", "Value \(PythonText.str(value)) smaller than min of \(PythonText.str(min))", input,
              ["input_name": .string(input), "input_config": spec.config, "received_value": value])
    }

    static func aboveMax(_ input: String, _ spec: InputSpec, _ value: JSONValue, _ max: JSONValue) -> JSONValue {
        error("value_bigger_than_max", "Value \(PythonText.str(value)) bigger than max of \(PythonText.str(max))", input,
              ["input_name": .string(input), "input_config": spec.config, "received_value": value])
    }

    static func notInList(_ input: String, _ spec: InputSpec, _ value: JSONValue, options: [JSONValue]) -> JSONValue {
        let large = options.count > 20
        let listInfo = large ? "(list of length \(options.count))" : PythonText.repr(.array(options))
        return error("value_not_in_list", "Value not in list", "\(input): '\(PythonText.str(value))' not in \(listInfo)",
                     ["input_name": .string(input), "input_config": large ? .null : spec.config, "received_value": value])
    }

    static func customValidation(_ input: String, _ text: String) -> JSONValue {
        error("custom_validation_failed", "Custom validation failed for node", "\(input) - \(text)", ["input_name": .string(input)])
    }

    /// The traceback frames of an exception raised while looking up a link, as Python formats them.
    static func linkLookupTraceback(_ failure: LinkFailure, inner: Bool) -> [JSONValue] {
        var frames: [String] = []
        if inner {
            frames.append("  File \"\(root)/execution.py\", line 839, in validate_inputs\n    r = await validate_inputs(prompt_id, prompt, o_id, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n")
        } else {
            frames.append("  File \"\(root)/execution.py\", line 1043, in validate_prompt\n    m = await validate_inputs(prompt_id, prompt, o, validated)\n        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n")
        }
        switch failure.kind {
        case .keyError:
            frames.append("  File \"\(root)/execution.py\", line 818, in validate_inputs\n    o_class_type = prompt[o_id]['class_type']\n                   ~~~~~~^^^^^^\n")
        case .indexError, .typeError:
            frames.append("  File \"\(root)/execution.py\", line 820, in validate_inputs\n    received_type = r[val[1]]\n                    ~^^^^^^^^\n")
        }
        return frames.map { .string($0) }
    }
}

/// A Python exception raised while following a link during validation.
struct LinkFailure: Error {
    enum Kind { case keyError, indexError, typeError }
    let kind: Kind
    /// `str(exception)`.
    let message: String

    var typeName: String {
        switch kind {
        case .keyError: "KeyError"
        case .indexError: "IndexError"
        case .typeError: "TypeError"
        }
    }
}

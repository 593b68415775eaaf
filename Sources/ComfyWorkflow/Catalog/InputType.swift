/// The type of a node input as `/object_info` declares it, with the constraints validation checks.
public enum InputType: Sendable, Hashable {
    /// `INT`, with optional inclusive bounds, step and default.
    case int(IntegerConstraints)
    /// `FLOAT`, with optional inclusive bounds and step.
    case float(FloatConstraints)
    /// `STRING`.
    case string(multiline: Bool)
    /// `BOOLEAN`.
    case boolean
    /// A combo (old style: a list as the type; V3: `COMBO` with `options.options`); the allowed values.
    case combo([JSONValue])
    /// A connection type such as `MODEL`, `IMAGE`, `*` or a comma list `IMAGE,MASK`: the value must be a link.
    case connection(String)

    /// The type's name as ComfyUI reports it in errors: `INT`, `FLOAT`, `STRING`, `BOOLEAN`, `COMBO` or the connection type.
    public var name: String {
        switch self {
        case .int: "INT"
        case .float: "FLOAT"
        case .string: "STRING"
        case .boolean: "BOOLEAN"
        case .combo: "COMBO"
        case .connection(let t): t
        }
    }

    /// True for types the frontend shows as widgets (INT, FLOAT, STRING, BOOLEAN, combos).
    public var isWidgetType: Bool {
        if case .connection = self { return false }
        return true
    }
}

/// Bounds of an `INT` input; each is nil when `/object_info` does not give it.
public struct IntegerConstraints: Sendable, Hashable {
    /// The smallest allowed value.
    public var min: WideInteger?
    /// The largest allowed value.
    public var max: WideInteger?
    /// The widget step (1 when absent). ComfyUI does not enforce it; this package reports a value off the step.
    public var step: UInt64?

    /// Creates constraints.
    public init(min: WideInteger? = nil, max: WideInteger? = nil, step: UInt64? = nil) {
        self.min = min
        self.max = max
        self.step = step
    }
}

/// Bounds of a `FLOAT` input; each is nil when `/object_info` does not give it.
public struct FloatConstraints: Sendable, Hashable {
    /// The smallest allowed value.
    public var min: Double?
    /// The largest allowed value.
    public var max: Double?
    /// The widget step; advisory only (ComfyUI rounds floats, so it is never checked).
    public var step: Double?

    /// Creates constraints.
    public init(min: Double? = nil, max: Double? = nil, step: Double? = nil) {
        self.min = min
        self.max = max
        self.step = step
    }
}

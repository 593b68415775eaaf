/// One input of a node class as `/object_info` declares it: its name, section, type and constraints.
public struct InputDefinition: Sendable, Hashable {
    /// Which part of the node's `input` object the input was declared in.
    public enum Section: String, Sendable, Hashable {
        /// Must be given (validation reports it missing otherwise).
        case required
        /// May be left out.
        case optional
        /// Filled in by the server (`PROMPT`, `UNIQUE_ID`, ...); never sent by a client.
        case hidden
    }

    /// The input name, e.g. `seed`.
    public var name: String
    /// Required, optional or hidden.
    public var section: Section
    /// The declared type and its constraints.
    public var type: InputType
    /// The raw options object (`default`, `tooltip`, `forceInput`, ...), unknown keys kept.
    public var options: JSONObject

    /// Creates a definition.
    public init(name: String, section: Section, type: InputType, options: JSONObject = JSONObject()) {
        self.name = name
        self.section = section
        self.type = type
        self.options = options
    }

    /// The declared default value, if any.
    public var defaultValue: JSONValue? { options["default"] }

    /// True when the frontend shows this input as a widget (a value stored in `widgets_values`).
    ///
    /// INT, FLOAT, STRING, BOOLEAN and combo inputs are widgets unless `forceInput` is set.
    public var isWidget: Bool {
        guard section != .hidden, options["forceInput"]?.boolValue != true else { return false }
        return type.isWidgetType
    }

    /// True when the frontend adds an extra "control after generate" widget value after this one
    /// (`control_after_generate` option, or an INT named `seed` or `noise_seed`).
    public var hasControlAfterGenerateWidget: Bool {
        if let flag = options["control_after_generate"] {
            if flag.boolValue == true { return true }
            if flag.stringValue != nil { return true }
        }
        if case .int = type, name == "seed" || name == "noise_seed" { return true }
        return false
    }

    /// True when the combo takes uploaded files (`image_upload`, `video_upload`, `audio_upload`), whose
    /// values may name files in subfolders the list does not show.
    public var isUploadCombo: Bool {
        ["image_upload", "video_upload", "audio_upload", "upload"].contains { options[$0]?.boolValue == true || (options[$0]?.stringValue != nil) }
    }
}

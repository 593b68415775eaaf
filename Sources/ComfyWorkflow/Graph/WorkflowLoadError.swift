/// Why a file or document could not be read as an API-format workflow.
public enum WorkflowLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file could not be read.
    case unreadable(file: String, reason: String)
    /// The bytes are not valid JSON.
    case invalidJSON(file: String?, JSONParseError)
    /// The JSON is valid but not a graph; `path` is the JSON path of the offending value.
    case notAGraph(file: String?, path: String, reason: String)
    /// The document is a UI export (`nodes`/`links`) and no `NodeCatalog` was given to convert it.
    case uiFormatNeedsCatalog(file: String?)
    /// The document is a UI export that could not be converted to the API format.
    case conversion(file: String?, UIConversionError)

    /// The text telling a person how to get an API-format file out of ComfyUI.
    public static let exportAdvice =
        "in ComfyUI use Workflow > Export (API) (older menus: enable dev mode, then Save (API Format)) and use that file"

    /// One line naming the file and what is wrong.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason): "\(file): cannot read: \(reason)"
        case .invalidJSON(let file, let e): "\(file ?? "workflow"): invalid JSON: \(e)"
        case .notAGraph(let file, let path, let reason): "\(file ?? "workflow"): \(path): \(reason)"
        case .uiFormatNeedsCatalog(let file):
            "\(file ?? "workflow"): this is a UI-format export (nodes/links), not the API format; it can be converted only with the server's /object_info, or \(Self.exportAdvice)"
        case .conversion(let file, let e): "\(file ?? "workflow"): \(e)"
        }
    }
}

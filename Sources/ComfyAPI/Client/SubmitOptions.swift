import ComfyWorkflow

/// Per-prompt choices for `ComfyClient.submit`; the defaults queue the prompt normally with previews off.
public struct SubmitOptions: Sendable, Hashable {
    /// Queue ahead of every normal prompt (`front`); several front prompts run newest first (default false).
    public var front: Bool
    /// `extra_data.preview_method` (`auto`, `latent2rgb`, `taesd`, `none`); nil leaves the server default (default nil).
    public var previewMethod: String?
    /// Only run these output nodes (`partial_execution_targets`); nil runs every output (default nil).
    public var partialExecutionTargets: [String]?
    /// Further `extra_data` keys, for example `extra_pnginfo` (default empty). `client_id` is always set by the client.
    public var extraData: JSONObject

    /// Creates options; see each property for its default.
    public init(front: Bool = false, previewMethod: String? = nil, partialExecutionTargets: [String]? = nil, extraData: JSONObject = JSONObject()) {
        self.front = front
        self.previewMethod = previewMethod
        self.partialExecutionTargets = partialExecutionTargets
        self.extraData = extraData
    }
}

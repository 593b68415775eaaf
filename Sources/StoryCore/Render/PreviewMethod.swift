/// How a server renders the sampler preview images it sends while a prompt runs
/// (`extra_data.preview_method` of each prompt).
public enum PreviewMethod: String, Sendable, Hashable, CaseIterable {
    /// The server's choice (TAESD when installed, else latent-to-RGB).
    case auto
    /// The small TAESD decoder: closer to the final image, a little slower.
    case taesd
    /// A fast linear projection of the latent: coarse colours.
    case latent2rgb
    /// No previews.
    case none
}

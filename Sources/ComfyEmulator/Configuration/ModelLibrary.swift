/// The model files the emulator pretends to have, by ComfyUI model folder.
///
/// They fill the combo lists of the loader nodes in `/object_info` (so validation accepts exactly
/// these names, as a real server accepts only files it has) and the `/models/{folder}` listings.
public struct ModelLibrary: Sendable, Hashable {
    /// Folder key (`checkpoints`, `diffusion_models`, `text_encoders`, `vae`, `loras`, ...) to file names.
    public var files: [String: [String]]

    /// Creates a library from folder keys to file names (names are sorted when listed).
    public init(files: [String: [String]]) {
        self.files = files
    }

    /// Files in `folder`, sorted as ComfyUI lists them; empty for an unknown folder.
    public func list(_ folder: String) -> [String] {
        (files[folder] ?? []).sorted()
    }

    /// A small SD1.5/SDXL/Flux 2 library that the bundled workflows and transcripts use, with the
    /// Wan 2.2 and LTX-Video models of the bundled shot clip workflows.
    public static let standard = ModelLibrary(files: [
        "checkpoints": ["random_sd15.safetensors", "v1-5-pruned-emaonly.safetensors", "sd_xl_base_1.0.safetensors",
                        "ltx-video-2b-v0.9.5.safetensors"],
        "diffusion_models": ["flux2_dev_fp8mixed.safetensors", "flux1-dev.safetensors",
                             "wan2.2_i2v_high_noise_14B_fp8_scaled.safetensors", "wan2.2_i2v_low_noise_14B_fp8_scaled.safetensors"],
        "text_encoders": ["mistral_3_small_flux2_fp8.safetensors", "clip_l.safetensors", "t5xxl_fp16.safetensors",
                          "umt5_xxl_fp8_e4m3fn_scaled.safetensors"],
        "vae": ["flux2-vae.safetensors", "ae.safetensors", "sdxl_vae.safetensors", "wan_2.1_vae.safetensors"],
        "clip_vision": [],
        "loras": [],
        "embeddings": [],
    ])
}

import Foundation

/// Everything an emulator is started with. Every field has a default that suits tests.
public struct EmulatorConfiguration: Sendable {
    /// Address to listen on (default `"127.0.0.1"`).
    public var host: String
    /// Port to listen on; 0 picks a free ephemeral port, readable from `ComfyEmulator.port` after start (default 0).
    public var port: Int
    /// Simulated work durations (default: no model load, 5 ms per sampler step, 1 ms per other node).
    public var timing: TimingModel
    /// Simulated device memory in bytes (default 24 GiB). Prompts whose working set exceeds it fail
    /// with ComfyUI's CUDA out-of-memory `execution_error`.
    public var vramBytes: UInt64
    /// Simulated memory per image pixel (width × height × batch) that samplers and VAE decoders need
    /// (default 2048 bytes: a 1024×1024 batch of 4 needs 8 GiB). Tiled VAE decoding needs it only per tile.
    public var bytesPerPixel: UInt64
    /// Send binary preview frames for sampler steps, like a server started with `--preview-method latent2rgb`
    /// (default false). A prompt's `extra_data.preview_method` overrides it either way.
    public var previews: Bool
    /// Folder output files are written to (ComfyUI's `output/`); nil creates a fresh temporary folder that
    /// `stop()` deletes (default nil).
    public var outputDirectory: URL?
    /// Folder uploads go to and `LoadImage` reads from (ComfyUI's `input/`); nil creates a fresh temporary
    /// folder that `stop()` deletes (default nil).
    public var inputDirectory: URL?
    /// Simulated network latency added before every HTTP reply and every WebSocket frame (default `.zero`).
    public var latency: Duration
    /// Faults to inject (default `.none`).
    public var faults: FaultPlan
    /// Certificate and key to serve `https`/`wss`; nil serves plain `http`/`ws` (default nil).
    public var tls: EmulatorTLS?
    /// The model files the server pretends to have (default `.standard`).
    public var models: ModelLibrary
    /// The largest request body accepted, in bytes, as ComfyUI's `--max-upload-size` (default 104857600).
    public var maxUploadBytes: Int
    /// Maximum WebSocket frame size in both directions (default 64 MiB, so preview frames are never dropped).
    public var maxWebSocketFrameBytes: Int
    /// Sampler seeds whose images come out black, as a VAE that overflowed in half precision or a
    /// safety filter makes them (default none). Image k of a batch sampled with seed s counts as seed
    /// s + k only when it is its own prompt; a batch takes the prompt's seed. Used to test the quality
    /// gate: put a panel's first seed here and `--qa redo:N` renders it again with seed + 1.
    public var blankImageSeeds: Set<UInt64> = []

    /// Creates a configuration; every parameter has the documented default.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        timing: TimingModel = TimingModel(),
        vramBytes: UInt64 = 24 << 30,
        bytesPerPixel: UInt64 = 2048,
        previews: Bool = false,
        outputDirectory: URL? = nil,
        inputDirectory: URL? = nil,
        latency: Duration = .zero,
        faults: FaultPlan = .none,
        tls: EmulatorTLS? = nil,
        models: ModelLibrary = .standard,
        maxUploadBytes: Int = 104_857_600,
        maxWebSocketFrameBytes: Int = 64 << 20
    ) {
        self.host = host
        self.port = port
        self.timing = timing
        self.vramBytes = vramBytes
        self.bytesPerPixel = bytesPerPixel
        self.previews = previews
        self.outputDirectory = outputDirectory
        self.inputDirectory = inputDirectory
        self.latency = latency
        self.faults = faults
        self.tls = tls
        self.models = models
        self.maxUploadBytes = maxUploadBytes
        self.maxWebSocketFrameBytes = maxWebSocketFrameBytes
    }
}

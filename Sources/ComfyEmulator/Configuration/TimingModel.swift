/// How long simulated work takes: model loads, sampler steps and every other node.
///
/// The emulator sleeps for these durations while it runs a prompt, so clients see realistic
/// spacing between `executing`, `progress` and `executed` messages. All zero (`.instant`) makes
/// prompts finish as fast as the messages can be sent, which suits throughput tests.
public struct TimingModel: Sendable, Hashable {
    /// Time a loader node (checkpoint, diffusion model, text encoder, VAE) takes the first time a
    /// file is used, and again after `/free` or an out-of-memory error unloads it (default `.zero`).
    public var modelLoad: Duration
    /// Time per sampler step, between two `progress` messages (default 5 ms).
    public var perStep: Duration
    /// Time every other node takes (default 1 ms).
    public var perNode: Duration

    /// Creates a timing model; the defaults keep tests fast while still spacing messages out.
    public init(modelLoad: Duration = .zero, perStep: Duration = .milliseconds(5), perNode: Duration = .milliseconds(1)) {
        self.modelLoad = modelLoad
        self.perStep = perStep
        self.perNode = perNode
    }

    /// No simulated work at all: every duration is zero.
    public static let instant = TimingModel(modelLoad: .zero, perStep: .zero, perNode: .zero)
}

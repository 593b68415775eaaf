import ComfyWorkflow

/// What a simulated image or latent batch looks like: enough to draw it deterministically.
struct ImageSpec: Sendable, Hashable {
    var width: Int
    var height: Int
    var batch: Int
    /// The seed that drew it (decimal text; seeds can exceed `Int64`).
    var seed: String
    /// The prompt text that drew it.
    var text: String
    /// `0xRRGGBB` when the batch is a flat colour (EmptyImage), else nil.
    var solidColor: Int?

    /// Pixels in the whole batch.
    var pixelCount: UInt64 { UInt64(max(width, 0)) * UInt64(max(height, 0)) * UInt64(max(batch, 0)) }
}

/// What a simulated AUDIO value holds: enough to name its shape.
struct AudioSpec: Sendable, Hashable {
    var seconds: Double
    var sampleRate: Int
    var channels: Int
    /// Waveforms in the batch (SaveAudio writes one file each).
    var batch: Int

    /// Samples per channel.
    var samples: Int { seconds.isFinite ? Int((seconds * Double(sampleRate)).rounded()) : 0 }
}

/// A value flowing along a link in the simulated graph.
enum SimValue: Sendable, Hashable {
    case image(ImageSpec)
    case latent(ImageSpec)
    case mask(ImageSpec)
    case model(String)
    case clip(String)
    case vae(String)
    case conditioning(String)
    case guider(text: String)
    case noise(seed: String)
    case sampler(String)
    case sigmas(steps: Int)
    /// CreateVideo's VIDEO: its frames and frame rate.
    case video(ImageSpec, fps: Double)
    /// An AUDIO waveform: its length, sample rate, channels and batch.
    case audio(AudioSpec)
    case scalar(JSONValue)

    /// The image or latent description this value carries, if any.
    var spec: ImageSpec? {
        switch self {
        case .image(let s), .latent(let s), .mask(let s), .video(let s, _): return s
        default: return nil
        }
    }

    /// The prompt text this value carries, if any.
    var text: String? {
        switch self {
        case .conditioning(let t), .guider(let t): return t
        default: return spec?.text
        }
    }

    /// A short Python-like rendering for `execution_error.current_inputs`.
    var pythonDescription: String {
        switch self {
        case .image(let s), .latent(let s), .mask(let s):
            return "tensor([[[[0.5000, 0.5000, 0.5000],\n          ...]]]) shape=[\(s.batch), \(s.height), \(s.width), 3]"
        case .scalar(let v): return PythonText.str(v)
        case .model(let n), .clip(let n), .vae(let n): return "<\(n)>"
        case .conditioning(let t), .guider(let t): return "[[tensor(...), {'text': \(PythonText.quote(t))}]]"
        case .noise(let s): return "<Noise_RandomNoise seed=\(s)>"
        case .sampler(let n): return "<KSAMPLER \(n)>"
        case .sigmas(let n): return "tensor([...]) steps=\(n)"
        case .video(let s, let fps): return "<VideoFromComponents frames=\(s.batch) fps=\(fps)>"
        case .audio(let a): return "{'waveform': tensor(...) shape=[\(a.batch), \(a.channels), \(a.samples)], 'sample_rate': \(a.sampleRate)}"
        }
    }
}

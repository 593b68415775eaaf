import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Logging

/// Starting emulators and building the graphs the tests use.
enum Emulators {
    static var logger: Logger {
        var l = Logger(label: "ComfyEmulatorTests")
        l.logLevel = .warning
        return l
    }

    /// Runs `body` against a started emulator and always stops it.
    static func with<T>(_ configuration: EmulatorConfiguration = .init(timing: .instant),
                        _ body: (ComfyEmulator, TestHTTP) async throws -> T) async throws -> T {
        try await withEmulator(configuration, logger: logger) { emulator in
            try await body(emulator, TestHTTP(port: await emulator.port))
        }
    }

    /// ProbeImage → SaveImage, as in the transcripts.
    static func probeGraph(seed: Int = 1, steps: Int = 2, stepMS: Int = 0, width: Int = 64, height: Int = 64,
                           batch: Int = 1, text: String = "a probe panel", prefix: String = "test") -> JSONValue {
        [
            "1": ["class_type": "ProbeImage", "inputs": ["seed": .int(seed), "width": .int(width), "height": .int(height),
                                                         "batch_size": .int(batch), "text": .string(text), "steps": .int(steps),
                                                         "step_ms": .int(stepMS)]],
            "2": ["class_type": "SaveImage", "inputs": ["images": ["1", 0], "filename_prefix": .string(prefix)]],
        ]
    }

    /// The classic SD1.5 text-to-image graph of transcript k.
    static func ksamplerGraph(seed: Int = 7, steps: Int = 3, width: Int = 64, height: Int = 64, batch: Int = 1,
                              text: String = "a lighthouse at dusk", prefix: String = "ks") -> JSONValue {
        [
            "4": ["class_type": "CheckpointLoaderSimple", "inputs": ["ckpt_name": "random_sd15.safetensors"]],
            "6": ["class_type": "CLIPTextEncode", "inputs": ["text": .string(text), "clip": ["4", 1]]],
            "7": ["class_type": "CLIPTextEncode", "inputs": ["text": "blurry", "clip": ["4", 1]]],
            "5": ["class_type": "EmptyLatentImage", "inputs": ["width": .int(width), "height": .int(height), "batch_size": .int(batch)]],
            "3": ["class_type": "KSampler", "inputs": ["seed": .int(seed), "steps": .int(steps), "cfg": 7.0, "sampler_name": "euler",
                                                       "scheduler": "normal", "denoise": 1.0, "model": ["4", 0], "positive": ["6", 0],
                                                       "negative": ["7", 0], "latent_image": ["5", 0]]],
            "8": ["class_type": "VAEDecode", "inputs": ["samples": ["3", 0], "vae": ["4", 2]]],
            "9": ["class_type": "SaveImage", "inputs": ["images": ["8", 0], "filename_prefix": .string(prefix)]],
        ]
    }

    /// A Flux 2 graph (UNETLoader, CLIPLoader, VAELoader, SamplerCustomAdvanced).
    static func flux2Graph(seed: Int = 11, steps: Int = 4, width: Int = 256, height: Int = 192, batch: Int = 1,
                           text: String = "a red kite", prefix: String = "flux2") -> JSONValue {
        [
            "1": ["class_type": "UNETLoader", "inputs": ["unet_name": "flux2_dev_fp8mixed.safetensors", "weight_dtype": "default"]],
            "2": ["class_type": "CLIPLoader", "inputs": ["clip_name": "mistral_3_small_flux2_fp8.safetensors", "type": "flux2", "device": "default"]],
            "3": ["class_type": "VAELoader", "inputs": ["vae_name": "flux2-vae.safetensors"]],
            "4": ["class_type": "CLIPTextEncode", "inputs": ["text": .string(text), "clip": ["2", 0]]],
            "5": ["class_type": "FluxGuidance", "inputs": ["conditioning": ["4", 0], "guidance": 4.0]],
            "6": ["class_type": "BasicGuider", "inputs": ["model": ["1", 0], "conditioning": ["5", 0]]],
            "7": ["class_type": "RandomNoise", "inputs": ["noise_seed": .int(seed)]],
            "8": ["class_type": "KSamplerSelect", "inputs": ["sampler_name": "euler"]],
            "9": ["class_type": "Flux2Scheduler", "inputs": ["steps": .int(steps), "width": .int(width), "height": .int(height)]],
            "10": ["class_type": "EmptyFlux2LatentImage", "inputs": ["width": .int(width), "height": .int(height), "batch_size": .int(batch)]],
            "11": ["class_type": "SamplerCustomAdvanced", "inputs": ["noise": ["7", 0], "guider": ["6", 0], "sampler": ["8", 0],
                                                                    "sigmas": ["9", 0], "latent_image": ["10", 0]]],
            "12": ["class_type": "VAEDecode", "inputs": ["samples": ["11", 0], "vae": ["3", 0]]],
            "13": ["class_type": "SaveImage", "inputs": ["images": ["12", 0], "filename_prefix": .string(prefix)]],
        ]
    }
}

extension JSONValue {
    /// Object with `key` set (tests build request bodies this way).
    func with(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var o) = self else { return self }
        o[key] = value
        return .object(o)
    }
}

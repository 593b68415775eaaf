import ComfyWorkflow
import Foundation

extension EmulatorCore {
    /// The `/features` object, also the WebSocket `feature_flags` reply.
    var featureFlags: JSONValue {
        ["supports_preview_metadata": true, "max_upload_size": .int(configuration.maxUploadBytes),
         "extension": ["manager": ["supports_v4": true]]]
    }

    /// `GET /object_info` or `/object_info/{class}` (`{}` for an unknown class).
    func getObjectInfo(_ className: String?) -> Reply {
        refreshInputFiles()
        guard let className else { return .json(catalog.objectInfo()) }
        guard let cls = catalog[className] else { return .json([:]) }
        return .json([className: cls.info])
    }

    /// `GET /system_stats`: one simulated CUDA device with the configured VRAM.
    func getSystemStats() -> Reply {
        let total = configuration.vramBytes
        let used = loadedModels.isEmpty ? 0 : min(total / 4, UInt64(loadedModels.count) * (2 << 30))
        let free = total - used
        let ram: UInt64 = 32 << 30
        let args: [JSONValue] = ["main.py", "--listen", .string(configuration.host), "--port", .string(String(configuration.port))]
        return .json([
            "system": [
                "os": "linux", "ram_total": .uint64(ram), "ram_free": .uint64(ram / 4 * 3),
                "comfyui_version": "0.8.0", "required_frontend_version": "1.35.9",
                "installed_templates_version": "0.7.67", "required_templates_version": "0.7.67",
                "python_version": "3.11.7 (main, ComfyEmulator) [Swift]", "pytorch_version": "2.15.0+cu132",
                "embedded_python": false, "argv": .array(args),
            ],
            "devices": [[
                "name": "cuda:0 ComfyEmulator Simulated GPU : cudaMallocAsync", "type": "cuda", "index": 0,
                "vram_total": .uint64(total), "vram_free": .uint64(free),
                "torch_vram_total": .uint64(used), "torch_vram_free": .uint64(used / 8),
            ]],
        ])
    }

    /// `GET /models` folder keys, in ComfyUI's order.
    static let modelFolders = ["checkpoints", "configs", "loras", "vae", "text_encoders", "diffusion_models", "clip_vision",
                               "style_models", "embeddings", "diffusers", "vae_approx", "controlnet", "gligen", "upscale_models",
                               "latent_upscale_models", "custom_nodes", "hypernetworks", "photomaker", "classifiers",
                               "model_patches", "audio_encoders"]

    func getModels(_ folder: String?) -> Reply {
        guard let folder else { return .json(.array(EmulatorCore.modelFolders.map { .string($0) })) }
        guard EmulatorCore.modelFolders.contains(folder) || configuration.models.files[folder] != nil else { return .empty(404) }
        return .json(.array(configuration.models.list(folder).map { .string($0) }))
    }

    func getEmbeddings() -> Reply {
        .json(.array(configuration.models.list("embeddings").map { name in
            .string(name.split(separator: ".").count > 1 ? name.split(separator: ".").dropLast().joined(separator: ".") : name)
        }))
    }
}

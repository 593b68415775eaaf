import ComfyWorkflow

/// The simulated behaviour of each catalogue class: from resolved inputs to `NodeWork`.
///
/// Images are described, not computed: an `ImageSpec` carries the seed, prompt text and size that
/// later draw the PNG, so the same inputs always give the same files.
struct NodeSimulator {
    /// Bytes of simulated device memory per pixel for samplers and VAE decoding.
    let bytesPerPixel: UInt64
    /// Looks up an uploaded image by its annotated name: (width, height, content hash), nil when missing.
    let loadImage: (String) -> (width: Int, height: Int, hash: UInt64)?
    /// Seeds whose sampled images come out black (`EmulatorConfiguration.blankImageSeeds`).
    var blankSeeds: Set<UInt64> = []

    /// Simulates `classType` with link values `links` and literal values `literals`.
    func work(classType: String, links: [String: SimValue], literals: JSONObject) -> NodeWork {
        let input = Inputs(links: links, literals: literals)
        var w = NodeWork()
        switch classType {
        case "CheckpointLoaderSimple":
            let name = input.string("ckpt_name")
            w.outputs = [.model(name), .clip(name), .vae(name)]
            w.loads = [name]
        case "UNETLoader":
            let name = input.string("unet_name")
            w.outputs = [.model(name)]
            w.loads = [name]
        case "CLIPLoader":
            let name = input.string("clip_name")
            w.outputs = [.clip(name)]
            w.loads = [name]
        case "DualCLIPLoader":
            let a = input.string("clip_name1"), b = input.string("clip_name2")
            w.outputs = [.clip(a + "+" + b)]
            w.loads = [a, b]
        case "VAELoader":
            let name = input.string("vae_name")
            w.outputs = [.vae(name)]
            w.loads = [name]
        case "CLIPTextEncode":
            w.outputs = [.conditioning(input.string("text"))]
        case "CLIPTextEncodeFlux":
            let t5 = input.string("t5xxl")
            w.outputs = [.conditioning(t5.isEmpty ? input.string("clip_l") : t5)]
        case "FluxGuidance", "ReferenceLatent":
            w.outputs = [.conditioning(input.link("conditioning")?.text ?? "")]
        case "BasicGuider":
            w.outputs = [.guider(text: input.link("conditioning")?.text ?? "")]
        case "RandomNoise":
            w.outputs = [.noise(seed: input.integerText("noise_seed"))]
        case "KSamplerSelect":
            w.outputs = [.sampler(input.string("sampler_name"))]
        case "Flux2Scheduler":
            w.outputs = [.sigmas(steps: input.int("steps"))]
        case "EmptyLatentImage":
            w.outputs = [.latent(blank(input, multiple: 8))]
        case "EmptySD3LatentImage":
            w.outputs = [.latent(blank(input, multiple: 8))]
        case "EmptyFlux2LatentImage":
            w.outputs = [.latent(blank(input, multiple: 16))]
        case "EmptyImage":
            let spec = ImageSpec(width: input.int("width"), height: input.int("height"), batch: input.int("batch_size"),
                                 seed: "0", text: "", solidColor: input.int("color") & 0xFFFFFF)
            w.outputs = [.image(spec)]
        case "KSampler":
            sampler(&w, latent: input.link("latent_image")?.spec, seed: input.integerText("seed"),
                    text: input.link("positive")?.text ?? "", steps: input.int("steps"), first: 0)
        case "KSamplerAdvanced":
            let steps = input.int("steps")
            let start = min(max(input.int("start_at_step"), 0), steps)
            let end = min(max(input.int("end_at_step"), start), steps)
            sampler(&w, latent: input.link("latent_image")?.spec, seed: input.integerText("noise_seed"),
                    text: input.link("positive")?.text ?? "", steps: end - start, first: start, max: steps)
        case "SamplerCustomAdvanced":
            var steps = 1
            if case .sigmas(let n)? = input.link("sigmas") { steps = n }
            var seed = "0"
            if case .noise(let s)? = input.link("noise") { seed = s }
            sampler(&w, latent: input.link("latent_image")?.spec, seed: seed, text: input.link("guider")?.text ?? "",
                    steps: steps, first: 0)
            if case .latent(let s)? = w.outputs.first { w.outputs.append(.latent(s)) }
        case "VAEDecode":
            let spec = input.link("samples")?.spec ?? empty
            w.outputs = [.image(spec)]
            w.workingSet = spec.pixelCount * bytesPerPixel
        case "VAEDecodeTiled":
            let spec = input.link("samples")?.spec ?? empty
            let tile = UInt64(max(input.int("tile_size"), 64))
            w.outputs = [.image(spec)]
            w.workingSet = min(UInt64(max(spec.width, 0) * max(spec.height, 0)), tile * tile) * bytesPerPixel
        case "VAEEncode":
            let spec = input.link("pixels")?.spec ?? empty
            w.outputs = [.latent(spec)]
            w.workingSet = spec.pixelCount * bytesPerPixel
        case "LoadImage":
            let name = input.string("image")
            if let file = loadImage(name) {
                let spec = ImageSpec(width: file.width, height: file.height, batch: 1, seed: String(file.hash), text: name, solidColor: nil)
                w.outputs = [.image(spec), .mask(spec)]
            } else {
                w.failure = NodeFailure(type: "FileNotFoundError", message: "[Errno 2] No such file or directory: \(PythonText.quote(name))",
                                        isOutOfMemory: false, frame: "    img = node_helpers.pillow(Image.open, image_path)")
            }
        case "ImageScale":
            var spec = input.link("image")?.spec ?? empty
            var width = input.int("width"), height = input.int("height")
            if width == 0 && height == 0 {
                width = spec.width; height = spec.height
            } else if width == 0 {
                width = max(1, Int((Double(spec.width) * Double(height) / Double(max(spec.height, 1))).rounded()))
            } else if height == 0 {
                height = max(1, Int((Double(spec.height) * Double(width) / Double(max(spec.width, 1))).rounded()))
            }
            spec.width = width; spec.height = height
            w.outputs = [.image(spec)]
        case "ImageScaleToTotalPixels":
            var spec = input.link("image")?.spec ?? empty
            let total = input.double("megapixels") * 1024 * 1024
            let scale = (total / Double(max(spec.width * spec.height, 1))).squareRoot()
            spec.width = max(1, Int((Double(spec.width) * scale).rounded()))
            spec.height = max(1, Int((Double(spec.height) * scale).rounded()))
            w.outputs = [.image(spec)]
        case "SaveImage":
            w.save = SaveRequest(folderType: "output", prefix: input.string("filename_prefix"), images: input.link("images")?.spec ?? empty)
        case "PreviewImage":
            w.save = SaveRequest(folderType: "temp", prefix: "ComfyUI", images: input.link("images")?.spec ?? empty)
        case "ProbeImage":
            let spec = ImageSpec(width: input.int("width"), height: input.int("height"), batch: input.int("batch_size"),
                                 seed: input.integerText("seed"), text: input.string("text"), solidColor: nil)
            w.outputs = [.image(spec)]
            w.steps = input.int("steps")
            w.progressMax = w.steps
            w.stepDuration = .milliseconds(input.int("step_ms"))
        case "ProbeVRAMLimit":
            let spec = input.link("images")?.spec ?? empty
            let budget = input.int("pixel_budget")
            w.outputs = [.image(spec)]
            if spec.pixelCount > UInt64(max(budget, 0)) {
                w.failure = NodeFailure(type: "torch.OutOfMemoryError", message: OutOfMemoryText.cuda(requested: spec.pixelCount * 512, capacity: 24 << 30),
                                        isOutOfMemory: true, frame: "    raise _oom_error_class()(cuda_oom_message(requested))")
            }
        case "ProbeFail":
            w.outputs = [input.link("images") ?? .image(empty)]
            w.failure = .runtime(input.string("message"))
        default:
            if let clip = clipWork(classType: classType, links: links, literals: literals) { return clip }
            if let media = mediaWork(classType: classType, links: links, literals: literals) { return media }
            w.failure = .runtime("node \(classType) has no simulation in the emulator")
        }
        return w
    }

    private var empty: ImageSpec { ImageSpec(width: 64, height: 64, batch: 1, seed: "0", text: "", solidColor: nil) }

    private func blank(_ input: Inputs, multiple: Int) -> ImageSpec {
        ImageSpec(width: input.int("width") / multiple * multiple, height: input.int("height") / multiple * multiple,
                  batch: input.int("batch_size"), seed: "0", text: "", solidColor: nil)
    }

    private func sampler(_ w: inout NodeWork, latent: ImageSpec?, seed: String, text: String, steps: Int, first: Int, max: Int? = nil) {
        var spec = latent ?? empty
        spec.seed = seed
        spec.text = text
        spec.solidColor = blankSeeds.contains(UInt64(seed) ?? 0) && !blankSeeds.isEmpty ? 0 : nil
        w.outputs = [.latent(spec)]
        w.steps = steps
        w.firstStep = first
        w.progressMax = max ?? steps
        w.workingSet = spec.pixelCount * bytesPerPixel / 4
        w.previews = true
        w.previewSpec = spec
    }

    /// Typed access to a node's resolved inputs.
    private struct Inputs {
        let links: [String: SimValue]
        let literals: JSONObject

        func link(_ name: String) -> SimValue? { links[name] }

        func string(_ name: String) -> String {
            if let v = literals[name] { return PythonText.str(v) }
            if case .scalar(let v)? = links[name] { return PythonText.str(v) }
            return ""
        }

        func integerText(_ name: String) -> String {
            if case .number(let n)? = literals[name], n.isInteger { return PythonText.normalizedInteger(n.text) }
            return String(int(name))
        }

        func int(_ name: String) -> Int {
            if let v = literals[name] ?? links[name].flatMap({ if case .scalar(let s) = $0 { s } else { nil } }) {
                if let i = v.intValue { return i }
                if let d = v.doubleValue, d.isFinite, abs(d) < 9e18 { return Int(d) }
                if case .number(let n) = v, n.isBigInteger { return n.text.hasPrefix("-") ? Int.min : Int.max }
            }
            return 0
        }

        func double(_ name: String) -> Double { literals[name]?.doubleValue ?? 0 }
    }
}

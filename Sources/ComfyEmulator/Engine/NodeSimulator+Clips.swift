import ComfyWorkflow

extension NodeSimulator {
    /// The simulated behaviour of the image-to-video nodes (`NodeDefinitions.clipsJSON`), nil for other classes.
    ///
    /// A video latent is an `ImageSpec` whose batch is the frame count (`length`), drawn from the start
    /// image's seed (for an upload, the hash of its bytes), so a clip depends on the image it was given;
    /// the sampler then draws it with its noise seed and prompt as for an image.
    func clipWork(classType: String, links: [String: SimValue], literals: JSONObject) -> NodeWork? {
        var w = NodeWork()
        func int(_ name: String) -> Int {
            if let value = literals[name], let i = value.intValue { return i }
            if let value = literals[name], let d = value.doubleValue, d.isFinite, abs(d) < 9e18 { return Int(d) }
            if case .scalar(let value)? = links[name], let i = value.intValue { return i }
            return 0
        }
        func text(_ name: String) -> String { links[name]?.text ?? "" }
        switch classType {
        case "ModelSamplingSD3":
            w.outputs = [links["model"] ?? .model("")]
        case "LTXVPreprocess":
            w.outputs = [links["image"] ?? .image(ImageSpec(width: 64, height: 64, batch: 1, seed: "0", text: "", solidColor: nil))]
        case "LTXVConditioning":
            w.outputs = [.conditioning(text("positive")), .conditioning(text("negative"))]
        case "WanImageToVideo", "LTXVImgToVideo":
            let start = links[classType == "WanImageToVideo" ? "start_image" : "image"]?.spec
            let frames = max(int("length"), 1)
            let latent = ImageSpec(width: int("width"), height: int("height"), batch: frames * max(int("batch_size"), 1),
                                   seed: start?.seed ?? "0", text: start?.text ?? "", solidColor: nil)
            w.outputs = [.conditioning(text("positive")), .conditioning(text("negative")), .latent(latent)]
            if let start { w.workingSet = UInt64(max(start.width, 0) * max(start.height, 0)) * bytesPerPixel }
        case "LTXVScheduler":
            w.outputs = [.sigmas(steps: max(int("steps"), 1))]
        case "CFGGuider":
            w.outputs = [.guider(text: text("positive"))]
        case "SamplerCustom":
            var steps = 1
            if case .sigmas(let n)? = links["sigmas"] { steps = n }
            var spec = links["latent_image"]?.spec ?? ImageSpec(width: 64, height: 64, batch: 1, seed: "0", text: "", solidColor: nil)
            let seed: String
            if case .number(let n)? = literals["noise_seed"], n.isInteger { seed = PythonText.normalizedInteger(n.text) } else { seed = String(int("noise_seed")) }
            spec.seed = seed + "/" + spec.seed
            spec.text = text("positive")
            w.outputs = [.latent(spec), .latent(spec)]
            w.steps = steps
            w.progressMax = steps
            w.workingSet = spec.pixelCount * bytesPerPixel / 4
            w.previews = true
            w.previewSpec = spec
        case "CLIPVisionLoader":
            let name = PythonText.str(literals["clip_name"] ?? .string(""))
            w.outputs = [.model(name)]
            w.loads = [name]
        case "CLIPVisionEncode":
            w.outputs = [.conditioning("")]
        default:
            return nil
        }
        return w
    }
}

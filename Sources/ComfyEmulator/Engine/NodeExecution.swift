import ComfyWorkflow
import Foundation

extension EmulatorCore {
    /// Runs (or answers from cache) one node, sending its messages in ComfyUI's order:
    /// `progress_state` running, `executing`, per step `progress_state` + preview + `progress`,
    /// `executed` for UI output, `progress_state` finished.
    func runNode(_ id: String, _ ctx: inout ExecutionContext) async -> NodeOutcome {
        guard let node = ctx.item.prompt[id]?.objectValue, let classType = node["class_type"]?.stringValue,
              let cls = catalog[classType] else { return .failed(.runtime("unknown node \(id)"), inputs: .object([:])) }
        if let cached = cache.get(id) {
            if ctx.hasClient {
                send("executed", ["node": .string(id), "display_node": .string(id), "output": cached.ui?["output"] ?? .null,
                                  "prompt_id": .string(ctx.promptID)], to: ctx.clientAudience)
                if let ui = cached.ui { ctx.ui[id] = ui }
            }
            finishProgress(id, &ctx, value: nil)
            ctx.values[id] = cached.outputs
            return .success
        }
        ctx.progress[id] = ctx.progressNode(id, value: .double(0), max: .double(1), state: "running")
        sendProgressState(&ctx)
        currentNodeID = id
        if ctx.hasClient {
            send("executing", ["node": .string(id), "display_node": .string(id), "prompt_id": .string(ctx.promptID)], to: ctx.clientAudience)
        }
        if interruptRequested { return .interrupted }

        let inputs = node["inputs"]?.objectValue ?? JSONObject()
        var links: [String: SimValue] = [:]
        var literals = JSONObject()
        var current = JSONObject()
        for (name, value) in inputs {
            if case .array(let link) = value, link.count == 2, case .string(let from) = link[0] {
                let slot = link[1].intValue ?? 0
                let produced = ctx.values[from] ?? cache.get(from)?.outputs ?? []
                if produced.indices.contains(slot) { links[name] = produced[slot] }
            } else {
                literals[name] = value
            }
        }
        for spec in cls.inputs {
            if let v = links[spec.name] { current[spec.name] = [.string(v.pythonDescription)] }
            else if let v = literals[spec.name] { current[spec.name] = [v] }
        }
        var simulator = NodeSimulator(bytesPerPixel: configuration.bytesPerPixel) { [paths] name in
            EmulatorCore.imageInfo(name, paths: paths)
        }
        simulator.blankSeeds = configuration.blankImageSeeds
        let work = simulator.work(classType: classType, links: links, literals: literals)
        let currentInputs = JSONValue.object(current)

        // Simulated time: model loads, or the fixed per-node time.
        var loadTime = Duration.zero
        for file in work.loads where !loadedModels.contains(file) {
            loadTime += configuration.timing.modelLoad
            loadedModels.insert(file)
        }
        let pause = work.loads.isEmpty ? (work.steps > 0 ? Duration.zero : configuration.timing.perNode) : loadTime
        if pause > .zero {
            try? await Task.sleep(for: pause)
            guard ctx.generation == generation else { return .abandoned }
        }
        if work.workingSet > configuration.vramBytes {
            let failure = NodeFailure(type: "torch.OutOfMemoryError",
                                      message: OutOfMemoryText.cuda(requested: work.workingSet, capacity: configuration.vramBytes),
                                      isOutOfMemory: true, frame: "    samples = comfy.sample.sample(model, noise, steps, cfg, sampler_name, scheduler, positive, negative, latent_image)")
            return .failed(failure, inputs: currentInputs)
        }
        if work.failure == nil, work.steps > 0 {
            let step = work.stepDuration ?? configuration.timing.perStep
            for i in 1...work.steps {
                if step > .zero {
                    try? await Task.sleep(for: step)
                    guard ctx.generation == generation else { return .abandoned }
                }
                if interruptRequested { return .interrupted }
                reportProgress(id, value: work.firstStep + i, max: work.progressMax, work: work, &ctx)
            }
        }
        if let failure = work.failure { return .failed(failure, inputs: currentInputs) }

        var uiOutput: JSONValue?
        if let save = work.save {
            do {
                let planned = try OutputFiles(paths: paths).plan(save, counters: &saveCounters, tempSuffix: randomLetters(5))
                try await OutputFiles.write(planned, images: save.images, promptText: JSONValue.object(ctx.item.prompt).serializedString(.python))
                guard ctx.generation == generation else { return .abandoned }
                uiOutput = ["images": .array(planned.map(\.item))]
            } catch let failure as NodeFailure {
                return .failed(failure, inputs: currentInputs)
            } catch {
                return .failed(NodeFailure(type: "OSError", message: "\(error)", isOutOfMemory: false, frame: "    img.save(...)"), inputs: currentInputs)
            }
        }
        if let media = work.media {
            do {
                uiOutput = try MediaFiles(paths: paths).save(media, counters: &saveCounters, tempSuffix: randomLetters(5))
            } catch let failure as NodeFailure {
                return .failed(failure, inputs: currentInputs)
            } catch {
                return .failed(NodeFailure(type: "OSError", message: "\(error)", isOutOfMemory: false, frame: "    output.save(...)"), inputs: currentInputs)
            }
        }
        var uiRecord: JSONValue?
        if let uiOutput {
            let record: JSONValue = ["meta": ["node_id": .string(id), "display_node": .string(id), "parent_node": .null, "real_node_id": .string(id)],
                                     "output": uiOutput]
            uiRecord = record
            ctx.ui[id] = record
            if ctx.hasClient {
                send("executed", ["node": .string(id), "display_node": .string(id), "output": uiOutput, "prompt_id": .string(ctx.promptID)],
                     to: ctx.clientAudience)
            }
        }
        cache.set(id, CacheEntry(outputs: work.outputs, ui: uiRecord))
        ctx.values[id] = work.outputs
        finishProgress(id, &ctx, value: work.steps > 0 ? .int(work.progressMax) : nil)
        ctx.executed.append(id)
        return .success
    }

    /// Marks `id` finished in the progress registry and sends `progress_state`.
    func finishProgress(_ id: String, _ ctx: inout ExecutionContext, value: JSONValue?) {
        let existing = ctx.progress[id]
        let max = value ?? existing?["max"] ?? .int(1)
        ctx.progress[id] = ctx.progressNode(id, value: max, max: max, state: "finished")
        sendProgressState(&ctx)
    }

    func sendProgressState(_ ctx: inout ExecutionContext) {
        send("progress_state", ["prompt_id": .string(ctx.promptID), "nodes": .object(ctx.progress)], to: ctx.progressAudience)
    }

    /// One progress tick: `progress_state`, then a type-4 preview for sockets that negotiated metadata,
    /// `progress`, and a type-1 preview for the others.
    private func reportProgress(_ id: String, value: Int, max: Int, work: NodeWork, _ ctx: inout ExecutionContext) {
        ctx.progress[id] = ctx.progressNode(id, value: .int(value), max: .int(max), state: "running")
        sendProgressState(&ctx)
        let audience = ctx.progressAudience
        var preview: [UInt8]?
        if ctx.previews, work.previews, let spec = work.previewSpec {
            preview = PreviewFrames.image(spec, step: value)
        }
        let metadataClient: Bool = {
            if case .client(let sid) = audience { return sockets.supportsMetadata(sid) }
            return false
        }()
        if let preview, metadataClient {
            let meta: JSONValue = ["node_id": .string(id), "prompt_id": .string(ctx.promptID), "display_node_id": .string(id),
                                   "parent_node_id": .null, "real_node_id": .string(id), "image_type": "image/png"]
            sendBinary(PreviewFrames.withMetadata(meta, image: preview), to: audience)
        }
        send("progress", ["value": .int(value), "max": .int(max), "prompt_id": .string(ctx.promptID), "node": .string(id)], to: audience)
        if let preview, !metadataClient {
            sendBinary(PreviewFrames.legacy(preview), to: audience)
        }
    }

    func sendBinary(_ bytes: [UInt8], to audience: Audience) {
        let now = ContinuousClock.now
        for target in sockets.targets(audience) { deliver(.binary(bytes, at: now), to: target) }
    }

    func randomLetters(_ n: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstupvxyz")
        return String((0..<n).map { _ in letters[Int(nameRandom.next() % UInt64(letters.count))] })
    }

    /// Size and content hash of an input image, for LoadImage.
    nonisolated static func imageInfo(_ name: String, paths: EmulatorPaths) -> (width: Int, height: Int, hash: UInt64)? {
        var base = name
        var type = "input"
        for candidate in ["output", "input", "temp"] where name.hasSuffix(" [\(candidate)]") {
            base = String(name.dropLast(candidate.count + 3))
            type = candidate
        }
        guard let root = paths.root(type), !base.contains(".."),
              let data = FileManager.default.contents(atPath: root.appendingPathComponent(base).path) else { return nil }
        let bytes = [UInt8](data)
        let size = PNGWriter.dimensions(of: bytes) ?? (64, 64)
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return (size.width, size.height, h)
    }
}

/// Binary preview frames: type 1 (`PREVIEW_IMAGE`) and type 4 (`PREVIEW_IMAGE_WITH_METADATA`).
enum PreviewFrames {
    /// The sampler preview for `step`, drawn at the latent's resolution (an eighth of the image's
    /// sides), which is what ComfyUI's latent2rgb previewer decodes; the real server then enlarges it
    /// to fit 512×512, which the emulator skips (a browser or client scales it anyway). Drawing it at
    /// 512 cost about 100 ms a step in a debug build, the emulator's time, not the client's.
    static func image(_ spec: ImageSpec, step: Int) -> [UInt8] {
        let (w, h) = size(spec)
        var s = spec
        s.seed = spec.seed + "/step\(step)"
        return PNGWriter.encode(ImagePattern(spec: s, index: 0, width: w, height: h))
    }

    /// The preview's width and height for `spec`: the latent's, at least 1×1.
    static func size(_ spec: ImageSpec) -> (width: Int, height: Int) {
        (max(1, spec.width / 8), max(1, spec.height / 8))
    }

    /// `uint32 1`, `uint32 2` (PNG), image bytes.
    static func legacy(_ image: [UInt8]) -> [UInt8] {
        [0, 0, 0, 1, 0, 0, 0, 2] + image
    }

    /// `uint32 4`, `uint32 metadata length`, metadata JSON, image bytes.
    static func withMetadata(_ meta: JSONValue, image: [UInt8]) -> [UInt8] {
        let json = meta.serialized(.python)
        let n = UInt32(json.count)
        return [0, 0, 0, 4, UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] + json + image
    }
}

import ComfyWorkflow
import Foundation

/// How one node's run ended.
enum NodeOutcome {
    case success
    case failed(NodeFailure, inputs: JSONValue)
    case interrupted
    /// A restart or stop happened; the prompt disappears without a trace.
    case abandoned
}

extension EmulatorCore {
    /// The queue worker: runs prompts one at a time until the emulator closes.
    func runWorker() async {
        while let item = await nextItem() {
            await execute(item)
        }
    }

    /// Runs one prompt with ComfyUI's message order, then writes its history entry.
    func execute(_ item: QueueItem) async {
        let clientValue = item.extraData["client_id"]
        let hasClient = clientValue != nil && clientValue != .null
        let method = item.extraData["preview_method"]?.stringValue
        let previews: Bool
        switch method {
        case "auto", "latent2rgb", "taesd": previews = true
        case "none": previews = false
        default: previews = configuration.previews
        }
        var ctx = ExecutionContext(item: item, generation: generation, clientID: clientValue?.stringValue,
                                   hasClient: hasClient, previews: previews)
        interruptRequested = false
        currentClientID = ctx.clientID
        executedPrompts += 1
        executionsByPromptID[item.promptID, default: 0] += 1

        addMessage(&ctx, "execution_start", ["prompt_id": .string(item.promptID)])
        cache.begin(prompt: item.prompt) { classType, inputs in changeToken(classType, inputs) }
        let cachedNodes = item.prompt.keys.filter { cache.get($0) != nil }
        addMessage(&ctx, "execution_cached", ["nodes": .array(cachedNodes.map { .string($0) }), "prompt_id": .string(item.promptID)])

        let catalog = self.catalog
        var list = ExecutionList(prompt: item.prompt,
                                 isOutput: { id in item.prompt[id]?["class_type"]?.stringValue.flatMap { catalog[$0]?.isOutputNode } ?? false },
                                 isCached: { [cache] id in cache.get(id) != nil })
        for output in item.outputs { list.addNode(output) }

        var succeeded = true
        while !list.isEmpty {
            guard let id = list.next() else {
                fail(&ctx, nodeID: list.pending.first ?? "", failure: NodeFailure(type: "graph.DependencyCycleError",
                     message: "Dependency cycle detected", isOutOfMemory: false, frame: ""), inputs: .array([]), cycle: true)
                succeeded = false
                break
            }
            let outcome = await runNode(id, &ctx)
            switch outcome {
            case .success:
                list.complete(id)
            case .failed(let failure, let inputs):
                fail(&ctx, nodeID: id, failure: failure, inputs: inputs, cycle: false)
                succeeded = false
            case .interrupted:
                addMessage(&ctx, "execution_interrupted", [
                    "prompt_id": .string(item.promptID), "node_id": .string(id),
                    "node_type": item.prompt[id]?["class_type"] ?? .null,
                    "executed": .array(ctx.executed.map { .string($0) }),
                ], broadcast: true)
                succeeded = false
            case .abandoned:
                return
            }
            if !succeeded { break }
        }
        guard ctx.generation == generation else { return }
        if succeeded { addMessage(&ctx, "execution_success", ["prompt_id": .string(item.promptID)]) }
        currentNodeID = nil

        var outputs = JSONObject(), meta = JSONObject()
        for (id, record) in ctx.ui {
            outputs[id] = record["output"] ?? .null
            meta[id] = record["meta"] ?? .null
        }
        let entry: JSONValue = [
            "prompt": item.json,
            "outputs": .object(outputs),
            "status": ["status_str": .string(succeeded ? "success" : "error"), "completed": .bool(succeeded),
                       "messages": .array(ctx.messages)],
            "meta": .object(meta),
        ]
        history.record(item.promptID, entry)
        running = nil
        queueUpdated()
        if ctx.hasClient { send("executing", ["node": .null, "prompt_id": .string(item.promptID)], to: ctx.clientAudience) }
        currentClientID = nil
        applyPendingFree()
    }

    /// ComfyUI's `add_message`: timestamped, kept for history, sent to the client (or to everyone when `broadcast`).
    func addMessage(_ ctx: inout ExecutionContext, _ event: String, _ data: JSONObject, broadcast: Bool = false) {
        var stamped = data
        stamped["timestamp"] = .int(Int(Date().timeIntervalSince1970 * 1000))
        ctx.messages.append([.string(event), .object(stamped)])
        let audience: Audience = ctx.hasClient ? ctx.clientAudience : (broadcast ? .everyone : .nobody)
        send(event, stamped, to: audience)
    }

    private func fail(_ ctx: inout ExecutionContext, nodeID: String, failure: NodeFailure, inputs: JSONValue, cycle: Bool) {
        if failure.isOutOfMemory { loadedModels = [] }
        let message = cycle ? failure.message : failure.message + "\n" + (failure.isOutOfMemory ? OutOfMemoryText.tip : "")
        let classType = ctx.item.prompt[nodeID]?["class_type"] ?? .null
        let traceback: JSONValue = cycle ? .array([]) : .array(EmulatorCore.traceback(failure, classType: PythonText.str(classType)))
        addMessage(&ctx, "execution_error", [
            "prompt_id": .string(ctx.promptID), "node_id": .string(nodeID), "node_type": classType,
            "executed": .array(ctx.executed.map { .string($0) }),
            "exception_message": .string(message), "exception_type": .string(failure.type),
            "traceback": traceback, "current_inputs": inputs,
            "current_outputs": .array(ctx.item.prompt.keys.map { .string($0) }),
        ])
    }

    static func traceback(_ failure: NodeFailure, classType: String) -> [JSONValue] {
        let root = ValidationErrors.root
        var frames = [
            "  File \"\(root)/execution.py\", line 518, in execute\n    output_data, output_ui, has_subgraph, has_pending_tasks = await get_output_data(prompt_id, unique_id, obj, input_data_all, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n",
            "  File \"\(root)/execution.py\", line 329, in get_output_data\n    return_values = await _async_map_node_over_list(prompt_id, unique_id, obj, input_data_all, obj.FUNCTION, allow_interrupt=True, execution_block_cb=execution_block_cb, pre_execute_cb=pre_execute_cb, v3_data=v3_data)\n",
            "  File \"\(root)/execution.py\", line 303, in _async_map_node_over_list\n    await process_inputs(input_dict, i)\n",
            "  File \"\(root)/execution.py\", line 291, in process_inputs\n    result = f(**inputs)\n             ^^^^^^^^^^^\n",
        ]
        let module = classType.hasPrefix("Probe") ? "custom_nodes/probe_nodes/__init__.py" : "nodes.py"
        frames.append("  File \"\(root)/\(module)\", line 1, in \(classType)\n\(failure.frame)\n")
        return frames.map { .string($0) }
    }

    /// The `IS_CHANGED` part of a cache key: LoadImage hashes its file.
    func changeToken(_ classType: String, _ inputs: JSONObject) -> String? {
        guard classType == "LoadImage", let name = inputs["image"]?.stringValue, let url = resolveAnnotated(name),
              let data = FileManager.default.contents(atPath: url.path) else { return nil }
        return String(ImagePattern.fnv(String(decoding: data.prefix(1 << 20), as: UTF8.self)) ^ UInt64(data.count))
    }

    /// The file an annotated name (`sub/name.png [output]`) refers to, when it exists.
    func resolveAnnotated(_ name: String) -> URL? {
        var base = name
        var type = "input"
        for candidate in ["output", "input", "temp"] where name.hasSuffix(" [\(candidate)]") {
            base = String(name.dropLast(candidate.count + 3))
            type = candidate
        }
        guard let root = paths.root(type), !base.contains(".."), !base.hasPrefix("/") else { return nil }
        let url = root.appendingPathComponent(base)
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDir) && !isDir.boolValue ? url : nil
    }
}

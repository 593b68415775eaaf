import Testing
@testable import ComfyWorkflow

@Suite("UI exports convert to the API format the frontend would send")
struct UIConversionTests {
    static func convert(_ name: String) throws -> Workflow {
        try Workflow(data: Fixtures.fixture(name), catalog: Fixtures.catalog(), file: name)
    }

    @Test func detectsBothFormats() throws {
        #expect(WorkflowFormat.detect(try JSONValue.parse(Fixtures.fixture("ui_sdxl.json"))) == .ui)
        #expect(WorkflowFormat.detect(try JSONValue.parse(Fixtures.fixture("ui_flux2.json"))) == .ui)
        #expect(WorkflowFormat.detect(try Fixtures.bundled("storycore_sdxl.json").json) == .api)
        #expect(WorkflowFormat.detect(try JSONValue.parse("{}")) == .api)
        #expect(WorkflowFormat.detect(try JSONValue.parse("[1]")) == .unknown)
        #expect(WorkflowFormat.detect(try JSONValue.parse(#"{"prompt":{"1":{}}}"#)) == .unknown)
    }

    @Test func uiExportWithoutCatalogueIsRefusedWithExportAdvice() throws {
        let bytes = try Fixtures.fixture("ui_sdxl.json")
        #expect(throws: WorkflowLoadError.uiFormatNeedsCatalog(file: "ui_sdxl.json")) { _ = try Workflow(data: bytes, file: "ui_sdxl.json") }
        #expect(throws: WorkflowLoadError.uiFormatNeedsCatalog(file: nil)) { _ = try Workflow(data: bytes, catalog: nil) }
        #expect(WorkflowLoadError.uiFormatNeedsCatalog(file: "w.json").description.contains("Export (API)"))
    }

    @Test func convertsTheSDXLExportWithRerouteBypassMutePrimitiveAndSeedWidget() throws {
        let workflow = try Self.convert("ui_sdxl.json")
        #expect(workflow.nodeIDs == ["4", "6", "7", "5", "3", "8", "9"])
        #expect(workflow["4"]?.inputStorage == ["ckpt_name": "sd_xl_base_1.0.safetensors"])
        // The Reroute is resolved to the checkpoint's CLIP output.
        #expect(workflow["6"]?.inputStorage == ["text": "a castle on a hill, golden hour", "clip": ["4", 1]])
        #expect(workflow["6"]?.title == "Positive")
        // The PrimitiveNode's value replaces the width widget.
        #expect(workflow["5"]?.inputStorage == ["width": 896, "height": 1152, "batch_size": 1])
        // "randomize" after the seed is the control_after_generate widget, not the steps.
        #expect(workflow["3"]?.inputStorage == ["model": ["4", 0], "seed": .uint64(156_680_208_700_286), "steps": 20, "cfg": 8,
                                                 "sampler_name": "euler", "scheduler": "normal", "positive": ["6", 0],
                                                 "negative": ["7", 0], "latent_image": ["5", 0], "denoise": 1])
        // The bypassed ImageScale passes VAEDecode's image through; the muted preview and the note are dropped.
        #expect(workflow["9"]?.inputStorage == ["images": ["8", 0], "filename_prefix": "castle"])
        #expect(workflow["12"] == nil && workflow["13"] == nil && workflow["14"] == nil)
        #expect(workflow["8"]?.title == "VAE Decode")
        #expect(workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func convertsTheFlux2ExportWithLinkObjectsAndV3Combos() throws {
        let workflow = try Self.convert("ui_flux2.json")
        #expect(workflow.count == 13)
        #expect(workflow["2"]?.inputStorage == ["clip_name": "mistral_3_small_flux2_fp8.safetensors", "type": "flux2", "device": "default"])
        #expect(workflow["9"]?.inputStorage == ["sampler_name": "euler"])
        // The PrimitiveNode's 2^64-1 replaces RandomNoise's stale widget value, exactly.
        #expect(workflow["15"] == nil)
        #expect(workflow["8"]?.inputStorage == ["noise_seed": .uint64(UInt64.max)])
        #expect(workflow["10"]?.inputStorage == ["steps": 20, "width": 1024, "height": 1024])
        #expect(workflow["12"]?.inputStorage == ["noise": ["8", 0], "guider": ["7", 0], "sampler": ["9", 0], "sigmas": ["10", 0],
                                                  "latent_image": ["11", 0]])
        #expect(workflow["16"] == nil)
        #expect(workflow.validate(against: try Fixtures.catalog()).isEmpty)
        // The converted graph is injectable.
        let result = try workflow.injecting(WorkflowParameters(seed: 5, positivePrompt: "x", width: 512, height: 512),
                                            catalog: Fixtures.catalog())
        #expect(result.workflow["8"]?[input: "noise_seed"] == .literal(5))
        #expect(result.workflow["4"]?[input: "text"] == .literal("x"))
    }

    @Test func probeExportSkipsTheSeedControlValueByName() throws {
        let workflow = try Self.convert("ui_probe.json")
        #expect(workflow.nodeIDs == ["1", "2"])
        #expect(workflow["1"]?.inputStorage == ["seed": 42, "width": 256, "height": 128, "batch_size": 2, "text": "probe ui export",
                                                 "steps": 3, "step_ms": 5])
        #expect(workflow["2"]?[input: "images"] == .link(nodeID: "1", output: 0))
    }

    /// The same 2023-style graph (KSampler, a KSamplerAdvanced refiner whose `noise_seed` a
    /// PrimitiveNode feeds) saved with each control value the frontend ever stored after a seed.
    static let controlShapes = ["ui_control_true.json", "ui_control_false.json", "ui_control_randomize.json", "ui_control_fixed.json",
                                "ui_control_increment.json", "ui_control_decrement.json", "ui_control_none.json"]

    @Test(arguments: controlShapes)
    func everyControlAfterGenerateShapeConvertsToTheFrontendsAPIGraph(_ name: String) throws {
        let workflow = try Self.convert(name)
        let expected = try Workflow(data: Fixtures.fixture("expected_ui_control.json"))
        #expect(workflow.nodeIDs == expected.nodeIDs)
        let sorted = JSONWriteOptions(indent: 2, sortedKeys: true)
        #expect(String(decoding: workflow.serialized(sorted), as: UTF8.self) == String(decoding: expected.serialized(sorted), as: UTF8.self))
        #expect(workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func aBooleanControlValueIsSkippedOnlyWhereAControlValueCanStand() throws {
        // A seed with a control widget followed by a BOOLEAN widget: a boolean after the seed is the
        // control value when the rest still fits, else it is the BOOLEAN input's own value.
        let catalog = try NodeCatalog(objectInfo: [
            "SeededToggle": ["input": ["required": ["seed": ["INT", ["default": 0, "min": 0, "max": 100, "control_after_generate": true]],
                                                    "tiled": ["BOOLEAN", ["default": false]],
                                                    "steps": ["INT", ["default": 1, "min": 1, "max": 10]]]],
                             "input_order": ["required": ["seed", "tiled", "steps"]],
                             "output": ["IMAGE"], "output_name": ["IMAGE"], "name": "SeededToggle", "display_name": "Seeded Toggle"],
        ])
        func convert(_ values: JSONValue) throws -> JSONObject? {
            let json: JSONValue = ["nodes": [["id": 1, "type": "SeededToggle", "mode": 0, "widgets_values": values]], "links": []]
            return try UIWorkflowConverter(catalog: catalog).convert(json)["1"]?.inputStorage
        }
        #expect(try convert([7, true, false, 3]) == ["seed": 7, "tiled": false, "steps": 3])
        #expect(try convert([7, false, true, 3]) == ["seed": 7, "tiled": true, "steps": 3])
        #expect(try convert([7, "increment", true, 3]) == ["seed": 7, "tiled": true, "steps": 3])
        #expect(try convert([7, true, 3]) == ["seed": 7, "tiled": true, "steps": 3])
        #expect(try convert([7, true]) == ["seed": 7, "tiled": false, "steps": 1])
        #expect(throws: UIConversionError.self) { _ = try convert([7, true, "x", 3]) }
    }

    @Test func theEarlySamplerSpellingIsReadAsTheFrontendLoadsIt() throws {
        var json = try JSONValue.parse(Fixtures.fixture("ui_control_true.json"))
        json = Self.replacingNodeField(json, nodeIndex: 5, key: "widgets_values", value: [5, true, 20, 8, "sample_euler_ancestral", "normal", 1])
        let workflow = try UIWorkflowConverter(catalog: Fixtures.catalog()).convert(json)
        #expect(workflow["3"]?[input: "sampler_name"] == .literal("euler_ancestral"))
        #expect(workflow["3"]?[input: "seed"] == .literal(5))
        #expect(workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func inputFedByAMutedNodeIsLeftUnsetAndValidationSaysSo() throws {
        let workflow = try Self.convert("ui_muted_source.json")
        #expect(workflow.nodeIDs == ["2"])
        #expect(workflow["2"]?.inputStorage == ["filename_prefix": "muted"])
        let problems = workflow.validate(against: try Fixtures.catalog())
        #expect(problems.map(\.kind) == [.missingRequiredInput])
        #expect(problems.first?.input == "images")
    }

    @Test func subgraphIsRefusedNamingTheNode() throws {
        let bytes = try Fixtures.fixture("ui_subgraph.json")
        let catalog = try Fixtures.catalog()
        do {
            _ = try Workflow(data: bytes, catalog: catalog, file: "ui_subgraph.json")
            Issue.record("subgraph accepted")
        } catch {
            #expect(error == .conversion(file: "ui_subgraph.json", .subgraph(nodeID: "2", type: "3b6a8c1e-4f2d-4e5a-9b7c-1d2e3f4a5b6c")))
            #expect(error.description.contains("node 2"))
            #expect(error.description.contains("Export (API)"))
        }
    }

    @Test func unknownClassIsRefusedNamingTheNode() throws {
        var json = try JSONValue.parse(Fixtures.fixture("ui_probe.json"))
        json = Self.replacingNodeField(json, nodeIndex: 2, key: "type", value: "SaveImageExtended")
        #expect(throws: UIConversionError.unknownClass(nodeID: "2", type: "SaveImageExtended")) {
            _ = try UIWorkflowConverter(catalog: Fixtures.catalog()).convert(json)
        }
    }

    @Test func widgetValuesOfTheWrongTypeAreRefused() throws {
        var json = try JSONValue.parse(Fixtures.fixture("ui_probe.json"))
        json = Self.replacingNodeField(json, nodeIndex: 0, key: "widgets_values", value: [42, "fixed", "wide", 128, 2, "x", 3, 5])
        #expect {
            _ = try UIWorkflowConverter(catalog: Fixtures.catalog()).convert(json)
        } throws: { error in
            guard case .widgetMismatch(let id, let type, let reason)? = error as? UIConversionError else { return false }
            return id == "1" && type == "ProbeImage" && reason.contains("width")
        }
    }

    @Test func brokenLinksAreRefusedNamingTheInput() throws {
        var json = try JSONValue.parse(Fixtures.fixture("ui_probe.json"))
        guard case .object(var root) = json else { Issue.record("not an object"); return }
        root["links"] = [[2, 3, 0, 2, 0, "IMAGE"]]
        json = .object(root)
        #expect(throws: UIConversionError.brokenLink(nodeID: "2", input: "images", reason: "link 1 is not in the links list")) {
            _ = try UIWorkflowConverter(catalog: Fixtures.catalog()).convert(json)
        }
    }

    @Test func missingWidgetValuesFallBackToCatalogueDefaults() throws {
        var json = try JSONValue.parse(Fixtures.fixture("ui_probe.json"))
        json = Self.replacingNodeField(json, nodeIndex: 0, key: "widgets_values", value: [9])
        let workflow = try UIWorkflowConverter(catalog: Fixtures.catalog()).convert(json)
        #expect(workflow["1"]?.inputStorage == ["seed": 9, "width": 512, "height": 512, "batch_size": 1, "text": "", "steps": 10, "step_ms": 50])
    }

    @Test func malformedExportsAreErrorsNotCrashes() throws {
        let catalog = try Fixtures.catalog()
        for text in [#"{"nodes": 3, "links": []}"#, #"{"nodes": [1], "links": []}"#, #"{"nodes": [{"id": 1}], "links": []}"#,
                     #"{"nodes": [], "links": [[1]]}"#, #"{"nodes": [{"id": 1, "type": "SaveImage"}, {"id": 1, "type": "SaveImage"}], "links": []}"#] {
            #expect(throws: WorkflowLoadError.self, "\(text)") { _ = try Workflow(data: Array(text.utf8), catalog: catalog) }
        }
    }

    static func replacingNodeField(_ json: JSONValue, nodeIndex: Int, key: String, value: JSONValue) -> JSONValue {
        guard case .object(var root) = json, case .array(var nodes)? = root["nodes"], case .object(var node) = nodes[nodeIndex] else { return json }
        node[key] = value
        nodes[nodeIndex] = .object(node)
        root["nodes"] = .array(nodes)
        return .object(root)
    }
}

import Testing
@testable import ComfyWorkflow

@Suite("NodeCatalog decodes every /object_info shape leniently, a full-sized one included")
struct NodeCatalogTests {
    @Test func decodesTheRecordedV1Replies() throws {
        var catalog = NodeCatalog()
        for (_, body) in try Fixtures.transcriptObjectInfo() { catalog = catalog.merging(try NodeCatalog(objectInfo: body)) }
        #expect(catalog.count == 8)
        #expect(!catalog.contains("NoSuchNode"))
        let ksampler = try #require(catalog["KSampler"])
        #expect(ksampler.inputs.map(\.name) == ["model", "seed", "steps", "cfg", "sampler_name", "scheduler", "positive", "negative", "latent_image", "denoise"])
        #expect(ksampler.outputs == [NodeDefinition.Output(type: "LATENT", name: "LATENT")])
        #expect(!ksampler.isOutputNode)
        guard case .int(let seed) = ksampler.input(named: "seed")?.type else { Issue.record("seed is not INT"); return }
        #expect(seed.max == WideInteger(UInt64.max))
        #expect(seed.min == WideInteger(0))
        #expect(ksampler.input(named: "seed")?.hasControlAfterGenerateWidget == true)
        guard case .float(let cfg) = ksampler.input(named: "cfg")?.type else { Issue.record("cfg is not FLOAT"); return }
        #expect(cfg.min == 0 && cfg.max == 100 && cfg.step == 0.1)
        guard case .combo(let samplers) = ksampler.input(named: "sampler_name")?.type else { Issue.record("not a combo"); return }
        #expect(samplers.first == "euler")
        #expect(ksampler.widgetInputs.map(\.name) == ["seed", "steps", "cfg", "sampler_name", "scheduler", "denoise"])
        let save = try #require(catalog["SaveImage"])
        #expect(save.isOutputNode)
        #expect(save.inputs.filter { $0.section == .hidden }.map(\.name) == ["prompt", "extra_pnginfo"])
        #expect(save.clientInputs.map(\.name) == ["images", "filename_prefix"])
        #expect(save.displayName == "Save Image")
        guard case .int(let budget) = catalog["ProbeVRAMLimit"]?.input(named: "pixel_budget")?.type else { Issue.record("no budget"); return }
        #expect(budget.max == WideInteger(Int.max))
        #expect(catalog["ProbeImage"]?.outputs.first?.name == "images")
        #expect(catalog["ProbeVRAMLimit"]?.input(named: "images")?.type == .connection("IMAGE"))
    }

    @Test func decodesV3ShapesWithNullsComboOptionsAndSignedBounds() throws {
        let catalog = try Fixtures.catalog()
        let select = try #require(catalog["KSamplerSelect"])
        #expect(select.displayName == "KSamplerSelect")
        guard case .combo(let names) = select.input(named: "sampler_name")?.type else { Issue.record("COMBO not decoded"); return }
        #expect(names.count == 44)
        #expect(catalog["EmptyFlux2LatentImage"]?.displayName == "Empty Flux 2 Latent")
        guard case .int(let primitive) = catalog["PrimitiveInt"]?.input(named: "value")?.type else { Issue.record("not INT"); return }
        #expect(primitive.min == WideInteger(negative: true, magnitude: 9_223_372_036_854_775_807))
        #expect(catalog["ReferenceLatent"]?.input(named: "latent")?.section == .optional)
        #expect(catalog["SamplerCustomAdvanced"]?.outputs.map(\.name) == ["output", "denoised_output"])
        #expect(catalog["CLIPLoader"]?.input(named: "device")?.section == .optional)
    }

    @Test func isLenientAboutOddAndUnknownShapes() throws {
        let text = #"""
        {"Odd": {"input": {"required": {"a": ["INT", {"min": 1.5, "max": "big", "step": -2, "whatever": [1]}], "b": ["FLOAT"], "c": [],
                                         "d": 7, "e": ["MODEL", "not options"], "f": [["x", 1, true]], "g": ["COMBO", {}]},
                           "optional": "nonsense", "hidden": {"h": "UNIQUE_ID", "i": ["PROMPT"]}},
                 "input_order": {"required": ["a"]}, "output": ["IMAGE", ["x"], 3], "output_name": "bad", "output_is_list": null,
                 "display_name": null, "output_node": "yes", "brand_new_key": {"x": 1}},
         "Broken": 5, "Empty": {}}
        """#
        let catalog = try NodeCatalog(data: Array(text.utf8))
        #expect(catalog.skippedClasses == ["Broken"])
        #expect(catalog.classNames == ["Odd", "Empty"])
        let odd = try #require(catalog["Odd"])
        #expect(odd.displayName == "Odd")
        #expect(!odd.isOutputNode)
        #expect(odd.inputs.map(\.name) == ["a", "b", "c", "d", "e", "f", "g", "h", "i"])
        #expect(odd.input(named: "a")?.type == .int(IntegerConstraints(min: nil, max: nil, step: nil)))
        #expect(odd.input(named: "c")?.type == .connection("*"))
        #expect(odd.input(named: "e")?.type == .connection("MODEL"))
        #expect(odd.input(named: "g")?.type == .combo([]))
        #expect(odd.input(named: "h")?.section == .hidden)
        #expect(odd.outputs.map(\.type) == ["IMAGE", "COMBO", "*"])
        #expect(catalog["Empty"]?.inputs.isEmpty == true)
        #expect(throws: CatalogDecodeError.self) { _ = try NodeCatalog(data: Array("[1]".utf8)) }
        #expect(throws: CatalogDecodeError.self) { _ = try NodeCatalog(data: Array("{".utf8)) }
    }

    @Test func decodesAFullSizedReply() throws {
        // A reply at least as big as a stock install's (about 550 classes, 0.6 MB), built from the fixture's real entries.
        // How fast it decodes is measured by `comfybridge-bench`, not asserted here: a test must not fail on a busy machine.
        let base = try JSONValue.parse(Fixtures.fixture("object_info.json"))
        guard case .object(let classes) = base else { Issue.record("fixture is not an object"); return }
        var big = JSONObject()
        var n = 0
        while big.count < 700 {
            for (name, info) in classes { big["\(name)_\(n)"] = info }
            n += 1
        }
        let bytes = JSONValue.object(big).serialized()
        #expect(bytes.count > 450_000)
        let catalog = try NodeCatalog(data: bytes)
        #expect(catalog.count == big.count)
    }

    @Test func wideIntegersCompareAndStepExactly() throws {
        let max = WideInteger(UInt64.max)
        let min = WideInteger(negative: true, magnitude: UInt64.max)
        #expect(min < WideInteger(-1) && WideInteger(-1) < WideInteger(0) && WideInteger(0) < max)
        #expect(WideInteger(JSONNumber(text: "18446744073709551616")!) == nil)
        #expect(WideInteger(JSONNumber(text: "16.0")!) == WideInteger(16))
        #expect(WideInteger(JSONNumber(text: "1e3")!) == WideInteger(1000))
        #expect(WideInteger(JSONNumber(text: "2.5")!) == nil)
        #expect(WideInteger(negative: true, magnitude: 0) == WideInteger(0))
        #expect(WideInteger(-7).remainder(dividingBy: 8) == 1)
        #expect(WideInteger(13).isOnStep(6, from: WideInteger(7)))
        #expect(!WideInteger(12).isOnStep(6, from: WideInteger(7)))
        #expect(max.int == nil && WideInteger(Int.min).int == Int.min)
        #expect(max.description == "18446744073709551615")
    }
}

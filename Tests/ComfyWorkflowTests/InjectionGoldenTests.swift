import Foundation
import Testing
@testable import ComfyWorkflow

@Suite("Injecting a panel into the bundled graphs changes exactly the expected inputs")
struct InjectionGoldenTests {
    static let prompt = "a lighthouse on a cliff at dusk, wide shot, 「灯台」"

    static func panel01(negative: String? = "blurry, \"low\" quality") -> WorkflowParameters {
        WorkflowParameters(seed: PanelSeed.derive(globalSeed: 42, panelID: "panel_01"), positivePrompt: prompt,
                           negativePrompt: negative, width: 1344, height: 768, batchSize: 2, steps: 30, cfg: 6.5,
                           filenamePrefix: "storycore/panel_01", optional: [.negativePrompt, .cfg])
    }

    @Test func sdxlGraphMatchesCheckedInExpectedJSON() throws {
        let template = try Fixtures.bundled("storycore_sdxl.json")
        let before = template
        let result = try template.injecting(Self.panel01(), catalog: Fixtures.catalog())
        #expect(result.workflow.serialized() == (try Fixtures.fixture("expected_sdxl_panel_01.json")))
        #expect(template == before)
        #expect(template.serialized() == (try Fixtures.bytes(Fixtures.bundledFolder.appendingPathComponent("storycore_sdxl.json"))))
        let changed = Set(result.changes.filter(\.isChange).map { "\($0.nodeID).\($0.input)" })
        #expect(changed == ["3.seed", "6.text", "7.text", "5.width", "5.height", "5.batch_size", "3.steps", "3.cfg", "9.filename_prefix"])
        #expect(result.changes.first { $0.input == "seed" }?.newValue == .uint64(803_419))
        #expect(result.workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func flux2GraphMatchesCheckedInExpectedJSON() throws {
        let template = try Fixtures.bundled("storycore_flux2.json")
        let before = template.serialized()
        let result = try template.injecting(Self.panel01(), catalog: Fixtures.catalog())
        #expect(result.workflow.serialized() == (try Fixtures.fixture("expected_flux2_panel_01.json")))
        #expect(template.serialized() == before)
        let changed = Set(result.changes.map { "\($0.nodeID).\($0.input)" })
        #expect(changed == ["8.noise_seed", "4.text", "11.width", "11.height", "11.batch_size", "10.width", "10.height",
                            "10.steps", "14.filename_prefix"])
        #expect(result.workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func flux2GraphHasNoNegativePromptUnlessOptional() throws {
        let template = try Fixtures.bundled("storycore_flux2.json")
        var parameters = Self.panel01()
        parameters.optional = [.cfg]
        #expect(throws: InjectionError.noTarget(parameter: .negativePrompt,
                                                reason: "no text encoder is linked to the samplers' negative conditioning")) {
            _ = try template.injecting(parameters)
        }
    }

    @Test func sizeOffTheLatentStepIsAnErrorNamingNodeAndStep() throws {
        let template = try Fixtures.bundled("storycore_flux2.json")
        var parameters = Self.panel01()
        parameters.width = 1920
        parameters.height = 1080
        let catalog = try Fixtures.catalog()
        do {
            _ = try template.injecting(parameters, catalog: catalog)
            Issue.record("1080 was accepted by a step-16 latent")
        } catch {
            guard case .sizeNotAllowed(let node, let type, let input, let value, let c) = error else {
                Issue.record("unexpected \(error)"); return
            }
            #expect(node == "11")
            #expect(type == "EmptyFlux2LatentImage")
            #expect(input == "height")
            #expect(value == 1080)
            #expect(c.step == 16)
            #expect(error.description == "node 11 (EmptyFlux2LatentImage) cannot take height 1080: it must be min 16, max 16384, a multiple of 16")
        }
        // SDXL's latent takes multiples of 8, so 1920×1080 is fine there.
        let sdxl = try Fixtures.bundled("storycore_sdxl.json").injecting(parameters, catalog: Fixtures.catalog())
        #expect(sdxl.workflow["5"]?[input: "height"] == .literal(1080))
    }

    @Test func sizeOutsideMinMaxIsAnError() throws {
        var parameters = WorkflowParameters(width: 8)
        #expect(throws: InjectionError.self) { _ = try Fixtures.bundled("storycore_sdxl.json").injecting(parameters, catalog: Fixtures.catalog()) }
        parameters.width = 20_000
        #expect(throws: InjectionError.self) { _ = try Fixtures.bundled("storycore_sdxl.json").injecting(parameters, catalog: Fixtures.catalog()) }
        // Without a catalogue there is nothing to check against.
        #expect(throws: Never.self) { _ = try Fixtures.bundled("storycore_sdxl.json").injecting(parameters) }
    }

    @Test func injectingTwicePerPanelGivesEachPanelItsOwnValues() throws {
        let template = try Fixtures.bundled("storycore_sdxl.json")
        let a = try template.injecting(WorkflowParameters(seed: PanelSeed.derive(globalSeed: 42, panelID: "panel_01"), positivePrompt: "first"))
        let b = try template.injecting(WorkflowParameters(seed: PanelSeed.derive(globalSeed: 42, panelID: "panel_02"), positivePrompt: "second"))
        #expect(a.workflow["6"]?[input: "text"] == .literal("first"))
        #expect(b.workflow["6"]?[input: "text"] == .literal("second"))
        #expect(a.workflow["3"]?[input: "seed"] == .literal(.uint64(803_419)))
        #expect(b.workflow["3"]?[input: "seed"] == .literal(.uint64(918_786)))
        #expect(template["6"]?[input: "text"] == .literal("a storyboard panel, cinematic lighting"))
    }

    @Test func overridesWinOverParameters() throws {
        let template = try Fixtures.bundled("storycore_sdxl.json")
        var parameters = WorkflowParameters(steps: 30)
        parameters.overrides = [try NodeInputOverride(parsing: "3.steps=12"), try NodeInputOverride(parsing: "3.sampler_name = dpmpp_2m")]
        let result = try template.injecting(parameters, catalog: Fixtures.catalog())
        #expect(result.workflow["3"]?[input: "steps"] == .literal(12))
        #expect(result.workflow["3"]?[input: "sampler_name"] == .literal("dpmpp_2m"))
        let steps = try #require(result.changes.first { $0.input == "steps" })
        #expect(steps.source == .override)
        #expect(steps.oldValue == 25)
        #expect(result.changes.filter { $0.input == "steps" }.count == 1)
    }

    @Test func overrideErrorsNameTheNodeAndInput() throws {
        let template = try Fixtures.bundled("storycore_sdxl.json")
        let missing = WorkflowParameters(overrides: [NodeInputOverride(nodeID: "99", input: "steps", value: 3)])
        #expect(throws: InjectionError.overrideNodeMissing(missing.overrides[0])) { _ = try template.injecting(missing) }
        let unknown = WorkflowParameters(overrides: [NodeInputOverride(nodeID: "3", input: "stepz", value: 3)])
        let catalog = try Fixtures.catalog()
        do {
            _ = try template.injecting(unknown, catalog: catalog)
            Issue.record("unknown input accepted")
        } catch {
            #expect(error.description.hasPrefix("override 3.stepz=3: class KSampler has no input stepz (inputs: model, seed, steps"))
        }
        let bad = WorkflowParameters(overrides: [NodeInputOverride(nodeID: "3", input: "sampler_name", value: "nope")])
        #expect(throws: InjectionError.self) { _ = try template.injecting(bad, catalog: Fixtures.catalog()) }
        #expect(throws: InjectionError.invalidOverride(text: "steps=3", reason: "expected node_id.input before '='")) {
            _ = try NodeInputOverride(parsing: "steps=3")
        }
        #expect(throws: InjectionError.self) { _ = try NodeInputOverride(parsing: "3.steps") }
        let dotted = try NodeInputOverride(parsing: "test.0.1.text=\"a=b\"")
        #expect((dotted.nodeID, dotted.input, dotted.value) == ("test.0.1", "text", "a=b"))
    }

    @Test func valuesRejectedByTheCatalogueAreErrors() throws {
        let template = try Fixtures.bundled("storycore_sdxl.json")
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(samplerName: "no_such_sampler"), catalog: Fixtures.catalog()) }
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(steps: 0), catalog: Fixtures.catalog()) }
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(denoise: 1.5), catalog: Fixtures.catalog()) }
    }

    @Test func probeGraphTakesSeedSizeStepsAndPromptOnItsGenerator() throws {
        let template = try Fixtures.bundled("emulator_probe.json")
        let result = try template.injecting(WorkflowParameters(seed: 7, positivePrompt: "hello", width: 256, height: 128, batchSize: 2,
                                                               steps: 3, filenamePrefix: "p/x"), catalog: Fixtures.catalog())
        let node = try #require(result.workflow["1"])
        #expect(node[input: "seed"] == .literal(7))
        #expect(node[input: "text"] == .literal("hello"))
        #expect(node[input: "width"] == .literal(256))
        #expect(node[input: "batch_size"] == .literal(2))
        #expect(node[input: "steps"] == .literal(3))
        #expect(result.workflow.validate(against: try Fixtures.catalog()).isEmpty)
    }

    @Test func samplerlessGraphHasNoPromptTarget() throws {
        let template = try Fixtures.bundled("emulator_probe.json")
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(negativePrompt: "x")) }
        #expect(throws: Never.self) { _ = try template.injecting(WorkflowParameters(negativePrompt: "x", optional: [.negativePrompt])) }
    }
}

import Foundation
import Testing
@testable import ComfyWorkflow

@Suite("Injection finds its targets by following the graph's links")
struct InjectionAnalysisTests {
    static func graph(_ text: String) throws -> Workflow { try Workflow(data: Array(text.utf8)) }

    static func changed(_ result: InjectionResult) -> [String] { result.changes.map { "\($0.nodeID).\($0.input)" } }

    /// KSamplerAdvanced with a ConditioningCombine on the positive side and a ConditioningZeroOut negative.
    static let advanced = #"""
    {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
     "2": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["1", 1]}},
     "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "style", "clip": ["1", 1]}},
     "4": {"class_type": "ConditioningCombine", "inputs": {"conditioning_1": ["2", 0], "conditioning_2": ["3", 0]}},
     "5": {"class_type": "ConditioningZeroOut", "inputs": {"conditioning": ["2", 0]}},
     "6": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
     "7": {"class_type": "KSamplerAdvanced", "inputs": {"model": ["1", 0], "add_noise": "enable", "noise_seed": 5, "steps": 20, "cfg": 8.0,
           "sampler_name": "euler", "scheduler": "normal", "positive": ["4", 0], "negative": ["5", 0], "latent_image": ["6", 0],
           "start_at_step": 0, "end_at_step": 10000, "return_with_leftover_noise": "disable"}},
     "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
     "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
    """#

    @Test func ksamplerAdvancedWithCombinerAndZeroOutNegative() throws {
        let template = try Self.graph(Self.advanced)
        let result = try template.injecting(WorkflowParameters(seed: 9, positivePrompt: "p", width: 640, steps: 12, cfg: 5,
                                                               samplerName: "dpmpp_2m", scheduler: "karras"), catalog: Fixtures.catalog())
        #expect(Self.changed(result) == ["7.noise_seed", "2.text", "3.text", "6.width", "7.steps", "7.cfg", "7.sampler_name", "7.scheduler"])
        #expect(result.workflow["7"]?[input: "cfg"] == .literal(5.0))
        // The zeroed-out negative carries no text, so a negative prompt has nowhere to go.
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(negativePrompt: "n")) }
        // KSamplerAdvanced has no denoise: an error unless optional.
        #expect(throws: InjectionError.self) { _ = try template.injecting(WorkflowParameters(denoise: 0.5)) }
        #expect(try template.injecting(WorkflowParameters(denoise: 0.5, optional: [.denoise])).changes.isEmpty)
    }

    @Test func encoderFeedingBothSidesIsAmbiguous() throws {
        let text = Self.advanced.replacingOccurrences(of: #""negative": ["5", 0]"#, with: #""negative": ["2", 0]"#)
        #expect(throws: InjectionError.ambiguousPrompt(nodeID: "2", classType: "CLIPTextEncode")) {
            _ = try Self.graph(text).injecting(WorkflowParameters(positivePrompt: "p"))
        }
    }

    /// SamplerCustom with BasicScheduler, KSamplerSelect, a ControlNet-style node with positive/negative outputs,
    /// and prompts held in primitive nodes.
    static let custom = #"""
    {"1": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}},
     "p": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "old positive"}},
     "2": {"class_type": "CLIPTextEncode", "inputs": {"text": ["p", 0], "clip": ["1", 1]}},
     "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "old negative", "clip": ["1", 1]}},
     "c": {"class_type": "ControlNetApplyAdvanced", "inputs": {"positive": ["2", 0], "negative": ["3", 0], "strength": 1.0}},
     "s": {"class_type": "PrimitiveInt", "inputs": {"value": 3}},
     "4": {"class_type": "BasicScheduler", "inputs": {"model": ["1", 0], "scheduler": "normal", "steps": 20, "denoise": 1.0}},
     "5": {"class_type": "KSamplerSelect", "inputs": {"sampler_name": "euler"}},
     "6": {"class_type": "EmptyLatentImage", "inputs": {"width": 512, "height": 512, "batch_size": 1}},
     "7": {"class_type": "SamplerCustom", "inputs": {"model": ["1", 0], "add_noise": true, "noise_seed": ["s", 0], "cfg": 8.0,
           "positive": ["c", 0], "negative": ["c", 1], "sampler": ["5", 0], "sigmas": ["4", 0], "latent_image": ["6", 0]}},
     "8": {"class_type": "VAEDecode", "inputs": {"samples": ["7", 0], "vae": ["1", 2]}},
     "9": {"class_type": "SaveImage", "inputs": {"images": ["8", 0], "filename_prefix": "x"}}}
    """#

    @Test func samplerCustomFollowsSigmasSamplerAndPrimitives() throws {
        let template = try Self.graph(Self.custom)
        let result = try template.injecting(WorkflowParameters(seed: 77, positivePrompt: "pos", negativePrompt: "neg", steps: 8, cfg: 3.5,
                                                               samplerName: "lcm", scheduler: "simple", denoise: 0.6))
        #expect(Self.changed(result) == ["s.value", "p.value", "3.text", "4.steps", "7.cfg", "5.sampler_name", "4.scheduler", "4.denoise"])
        #expect(result.workflow["2"]?[input: "text"] == .link(nodeID: "p", output: 0))
        #expect(result.workflow["7"]?[input: "noise_seed"] == .link(nodeID: "s", output: 0))
        #expect(result.workflow["s"]?[input: "value"] == .literal(77))
    }

    @Test func cfgGuiderTakesCfgAndBothPrompts() throws {
        var workflow = try Fixtures.bundled("storycore_flux2.json")
        workflow["n"] = Node(classType: "CLIPTextEncode", inputs: ["text": "neg", "clip": ["2", 0]])
        workflow["7"] = Node(classType: "CFGGuider", inputs: ["model": ["1", 0], "positive": ["6", 0], "negative": ["n", 0], "cfg": 1.0])
        let result = try workflow.injecting(WorkflowParameters(positivePrompt: "a", negativePrompt: "b", cfg: 2.5), catalog: Fixtures.catalog())
        #expect(Self.changed(result) == ["4.text", "n.text", "7.cfg"])
    }

    @Test func seedsOutsideAnInputsRangeAreClampedAndReported() throws {
        var catalog = try Fixtures.catalog()
        var narrow = try #require(catalog["RandomNoise"])
        narrow.inputs[0].type = .int(IntegerConstraints(min: WideInteger(0), max: WideInteger(UInt64(2_147_483_647))))
        catalog.insert(narrow)
        let result = try Fixtures.bundled("storycore_flux2.json").injecting(WorkflowParameters(seed: UInt64.max), catalog: catalog)
        let change = try #require(result.changes.first)
        #expect(change.newValue == .int(2_147_483_647))
        #expect(change.note == "clamped from 18446744073709551615 into 0...2147483647")
        #expect(change.description == "node 8 (RandomNoise) noise_seed: 0 -> 2147483647 [seed] (clamped from 18446744073709551615 into 0...2147483647)")
        let full = try Fixtures.bundled("storycore_flux2.json").injecting(WorkflowParameters(seed: UInt64.max), catalog: Fixtures.catalog())
        #expect(full.workflow["8"]?.json.serializedString().contains("18446744073709551615") == true)
    }

    @Test func everySeedInputGetsThePanelSeedOnce() throws {
        var workflow = try Fixtures.bundled("storycore_sdxl.json")
        workflow["10"] = Node(classType: "ImageAddNoise", inputs: ["seed": 1, "strength": 0.5, "image": ["8", 0]])
        workflow["11"] = Node(classType: "KSampler", inputs: ["seed": ["12", 0]])
        workflow["12"] = Node(classType: "PrimitiveInt", inputs: ["value": 0])
        workflow["13"] = Node(classType: "KSampler", inputs: ["seed": ["12", 0]])
        let result = try workflow.injecting(WorkflowParameters(seed: 4))
        #expect(result.changes.filter { $0.source == .parameter(.seed) }.map { "\($0.nodeID).\($0.input)" } == ["3.seed", "10.seed", "12.value"])
    }

    @Test func promptLinkedToAnUneditableNodeIsAnError() throws {
        let text = Self.custom.replacingOccurrences(of: #""p": {"class_type": "PrimitiveStringMultiline", "inputs": {"value": "old positive"}}"#,
                                                    with: #""p": {"class_type": "StringConcatenate", "inputs": {"string_a": "a", "string_b": "b", "delimiter": ""}}"#)
        #expect {
            _ = try Self.graph(text).injecting(WorkflowParameters(positivePrompt: "x"))
        } throws: { error in
            guard case .promptNotEditable(let id, _, let input, _)? = error as? InjectionError else { return false }
            return id == "2" && input == "text"
        }
    }

    @Test func graphWithoutSamplerSaysSo() throws {
        let text = #"{"1": {"class_type": "LoadImage", "inputs": {"image": "a.png"}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}"#
        let workflow = try Self.graph(text)
        do {
            _ = try workflow.injecting(WorkflowParameters(positivePrompt: "p"))
            Issue.record("prompt injected without an encoder")
        } catch {
            #expect(error.description == "parameter positive_prompt has no target in the workflow: no text encoder is linked to the samplers' positive conditioning (no sampler found: KSampler, KSamplerAdvanced, SamplerCustom or SamplerCustomAdvanced)")
        }
        // Parameters that do have a target still work on such a graph (the old code refused any graph without a KSampler).
        #expect(try Self.graph(text).injecting(WorkflowParameters(filenamePrefix: "p/1")).changes.count == 1)
    }
}

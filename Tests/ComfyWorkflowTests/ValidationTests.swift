import Foundation
import Testing
@testable import ComfyWorkflow

@Suite("Validation reports every problem at once, naming node, class and input")
struct ValidationTests {
    static func graph(_ text: String) throws -> Workflow { try Workflow(data: Array(text.utf8)) }

    static let base = #"""
    {"1": {"class_type": "ProbeImage", "inputs": {"seed": 1, "width": 64, "height": 64, "batch_size": 1, "text": "t", "steps": 5, "step_ms": 10}},
     "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "p"}}}
    """#

    static func problems(_ text: String) throws -> [ValidationProblem] {
        try graph(text).validate(against: Fixtures.catalog())
    }

    static func only(_ text: String) throws -> ValidationProblem? {
        let problems = try problems(text)
        #expect(problems.count == 1, "\(problems)")
        return problems.first
    }

    @Test func validGraphHasNoProblems() throws {
        #expect(try Self.problems(Self.base).isEmpty)
        for name in ["storycore_sdxl.json", "storycore_flux2.json", "emulator_probe.json"] {
            #expect(try Fixtures.bundled(name).validate(against: Fixtures.catalog()).isEmpty, "\(name)")
        }
    }

    @Test func unknownClassType() throws {
        let p = try Self.only(Self.base.replacingOccurrences(of: "ProbeImage", with: "NoSuchNode"))
        #expect(p?.kind == .unknownClassType)
        #expect(p?.nodeID == "1")
        #expect(p?.classType == "NoSuchNode")
        #expect(p?.description == "node 1 (NoSuchNode): class NoSuchNode is not offered by the server (a missing custom node?) [unknown_class_type]")
    }

    @Test func missingRequiredInput() throws {
        let p = try Self.only(Self.base.replacingOccurrences(of: #""width": 64, "#, with: ""))
        #expect(p?.kind == .missingRequiredInput)
        #expect(p?.input == "width")
        #expect(p?.description == "node 1 (ProbeImage) input width: required input is missing [required_input_missing]")
    }

    @Test func missingOptionalInputIsFine() throws {
        let text = #"{"1": {"class_type": "CLIPLoader", "inputs": {"clip_name": "mistral_3_small_flux2_fp8.safetensors", "type": "flux2"}}, "2": {"class_type": "PreviewImage", "inputs": {"images": ["3", 0]}}, "3": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}"#
        #expect(try Self.problems(text).isEmpty)
    }

    @Test(arguments: [
        (#""steps": "ten""#, "steps", "takes an INT, found \"ten\""),
        (#""steps": 5.5"#, "steps", "takes an INT, found the fraction 5.5"),
        (#""steps": true"#, "steps", "takes an INT, found true"),
        (#""text": 12"#, "text", "takes a STRING, found 12"),
    ])
    func wrongLiteralType(replacement: String, input: String, message: String) throws {
        let original = input == "text" ? #""text": "t""# : #""steps": 5"#
        let p = try Self.only(Self.base.replacingOccurrences(of: original, with: replacement))
        #expect(p?.kind == .wrongLiteralType)
        #expect(p?.input == input)
        #expect(p?.message == message)
    }

    @Test func literalWhereALinkIsNeeded() throws {
        let p = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: #""image.png""#))
        #expect(p?.kind == .wrongLiteralType)
        #expect(p?.message == "takes a link to a IMAGE output, found the literal \"image.png\"")
    }

    @Test func integerStepFloatAndWholeFloatValues() throws {
        #expect(try Self.problems(Self.base.replacingOccurrences(of: #""steps": 5"#, with: #""steps": 5.0"#)).isEmpty)
        #expect(try Self.problems(Self.base.replacingOccurrences(of: #""seed": 1"#, with: #""seed": 18446744073709551615"#)).isEmpty)
    }

    @Test func outOfRange() throws {
        let above = try Self.only(Self.base.replacingOccurrences(of: #""width": 64"#, with: #""width": 8192"#))
        #expect(above?.kind == .valueAboveMaximum)
        #expect(above?.message == "value 8192 is bigger than the maximum 4096")
        let below = try Self.only(Self.base.replacingOccurrences(of: #""width": 64"#, with: #""width": 8"#))
        #expect(below?.kind == .valueBelowMinimum)
        let seed = try Self.only(Self.base.replacingOccurrences(of: #""seed": 1"#, with: #""seed": 18446744073709551616"#))
        #expect(seed?.kind == .valueAboveMaximum)
        let negative = try Self.only(Self.base.replacingOccurrences(of: #""seed": 1"#, with: #""seed": -1"#))
        #expect(negative?.kind == .valueBelowMinimum)
        let float = try Self.problems(#"{"1": {"class_type": "KSampler", "inputs": {"model": ["2", 0], "seed": 0, "steps": 1, "cfg": 100.5, "sampler_name": "euler", "scheduler": "normal", "positive": ["3", 0], "negative": ["3", 0], "latent_image": ["4", 0], "denoise": -0.1}}, "2": {"class_type": "CheckpointLoaderSimple", "inputs": {"ckpt_name": "sd_xl_base_1.0.safetensors"}}, "3": {"class_type": "CLIPTextEncode", "inputs": {"text": "", "clip": ["2", 1]}}, "4": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}}, "5": {"class_type": "SaveImage", "inputs": {"images": ["6", 0], "filename_prefix": "x"}}, "6": {"class_type": "VAEDecode", "inputs": {"samples": ["1", 0], "vae": ["2", 2]}}}"#)
        #expect(float.map(\.kind) == [.valueAboveMaximum, .valueBelowMinimum])
        #expect(float.map(\.input) == ["cfg", "denoise"])
    }

    @Test func offStep() throws {
        let p = try Self.only(Self.base.replacingOccurrences(of: #""width": 64"#, with: #""width": 100"#))
        #expect(p?.kind == .valueOffStep)
        #expect(p?.message == "value 100 is not a multiple of the step 8")
        let relaxed = try Self.graph(Self.base.replacingOccurrences(of: #""width": 64"#, with: #""width": 100"#))
            .validate(against: Fixtures.catalog(), options: .init(checkSteps: false))
        #expect(relaxed.isEmpty)
    }

    @Test func valueNotInListNamesWhatTheServerHas() throws {
        var workflow = try Fixtures.bundled("storycore_sdxl.json")
        workflow["4"]?[input: "ckpt_name"] = .literal("missing_model.safetensors")
        let problems = workflow.validate(against: try Fixtures.catalog())
        #expect(problems.count == 1)
        #expect(problems.first?.kind == .valueNotInList)
        #expect(problems.first?.description == "node 4 (CheckpointLoaderSimple) input ckpt_name: value \"missing_model.safetensors\" is not in the list; the server offers \"sd_xl_base_1.0.safetensors\", \"v1-5-pruned-emaonly.safetensors\" [value_not_in_list]")
        var v3 = try Fixtures.bundled("storycore_flux2.json")
        v3["9"]?[input: "sampler_name"] = .literal("bogus")
        #expect(v3.validate(against: try Fixtures.catalog()).map(\.kind) == [.valueNotInList])
    }

    @Test func uploadCombosAcceptSubfolderAndAnnotatedNames() throws {
        for name in ["clients/a/up.png", "name.png [output]"] {
            let text = #"{"1": {"class_type": "LoadImage", "inputs": {"image": "\#(name)"}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}"#
            #expect(try Self.problems(text).isEmpty, "\(name)")
        }
        let missing = #"{"1": {"class_type": "LoadImage", "inputs": {"image": "nope.png"}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "x"}}}"#
        #expect(try Self.problems(missing).map(\.kind) == [.valueNotInList])
    }

    @Test func badLinks() throws {
        let intID = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: "[1, 0]"))
        #expect(intID?.kind == .badLink)
        #expect(intID?.message == "a link's node id must be a string, as in [\"4\", 0], found [1,0]")
        let three = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: #"["1", 0, 0]"#))
        #expect(three?.kind == .badLink)
        let wrapped = try Self.problems(#"{"1": {"class_type": "SaveImage", "inputs": {"images": ["2", 0], "filename_prefix": {"__value__": ["a"]}}}, "2": {"class_type": "EmptyImage", "inputs": {"width": 8, "height": 8, "batch_size": 1, "color": 0}}}"#)
        #expect(wrapped.isEmpty)
    }

    @Test func linkToMissingNodeAndOutput() throws {
        let node = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: #"["99", 0]"#))
        #expect(node?.kind == .linkToMissingNode)
        #expect(node?.description == "node 2 (SaveImage) input images: links to node 99, which is not in the graph [link_to_missing_node]")
        let output = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: #"["1", 3]"#))
        #expect(output?.kind == .linkToMissingOutput)
        #expect(output?.message == "links to output 3 of node 1 (ProbeImage), which has 1 output(s)")
        let negative = try Self.only(Self.base.replacingOccurrences(of: #"["1", 0]"#, with: #"["1", -1]"#))
        #expect(negative?.kind == .linkToMissingOutput)
    }

    @Test func linkTypeMismatch() throws {
        let text = #"{"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}}, "2": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "p"}}}"#
        let p = try Self.only(text)
        #expect(p?.kind == .linkTypeMismatch)
        #expect(p?.message == "node 1 output 0 gives LATENT but the input takes IMAGE")
    }

    @Test func typeMatchingFollowsComfyUIRules() {
        #expect(WorkflowValidator.typesMatch(received: "IMAGE", input: .connection("IMAGE")))
        #expect(WorkflowValidator.typesMatch(received: "*", input: .connection("IMAGE")))
        #expect(WorkflowValidator.typesMatch(received: "IMAGE", input: .connection("*")))
        #expect(WorkflowValidator.typesMatch(received: "IMAGE,MASK", input: .connection("MASK")))
        #expect(WorkflowValidator.typesMatch(received: "INT", input: .int(IntegerConstraints())))
        #expect(WorkflowValidator.typesMatch(received: "COMBO", input: .combo(["a"])))
        #expect(!WorkflowValidator.typesMatch(received: "LATENT", input: .connection("IMAGE")))
        #expect(!WorkflowValidator.typesMatch(received: "FLOAT", input: .int(IntegerConstraints())))
    }

    @Test func cycle() throws {
        let text = #"{"1": {"class_type": "ImageScale", "inputs": {"image": ["2", 0], "upscale_method": "area", "width": 8, "height": 8, "crop": "disabled"}}, "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "area", "width": 8, "height": 8, "crop": "disabled"}}, "3": {"class_type": "SaveImage", "inputs": {"images": ["1", 0], "filename_prefix": "p"}}}"#
        let p = try Self.only(text)
        #expect(p?.kind == .cycle)
    }

    @Test func noOutputNode() throws {
        let text = #"{"1": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 1}}}"#
        let p = try Self.only(text)
        #expect(p?.kind == .noOutputNode)
        #expect(p?.nodeID == nil)
        #expect(p?.description == "graph: no output node (such as SaveImage), so the server would run nothing [prompt_no_outputs]")
        #expect(try Self.graph("{}").validate(against: Fixtures.catalog()).map(\.kind) == [.noOutputNode])
    }

    @Test func everyProblemIsReportedAtOnceInNodeOrder() throws {
        let text = #"""
        {"1": {"class_type": "ProbeImage", "inputs": {"seed": -3, "height": 100, "batch_size": 1, "text": 5, "steps": "x", "step_ms": 10}},
         "2": {"class_type": "SaveImage", "inputs": {"images": ["9", 0]}},
         "3": {"class_type": "Mystery", "inputs": {}},
         "4": {"class_type": "SaveImage", "inputs": {"images": ["5", 0], "filename_prefix": "p"}},
         "5": {"class_type": "EmptyLatentImage", "inputs": {"width": 64, "height": 64, "batch_size": 5000}}}
        """#
        let problems = try Self.problems(text)
        #expect(problems.map(\.kind) == [.valueBelowMinimum, .missingRequiredInput, .valueOffStep, .wrongLiteralType, .wrongLiteralType,
                                         .linkToMissingNode, .missingRequiredInput, .unknownClassType, .linkTypeMismatch, .valueAboveMaximum])
        #expect(problems.map { $0.nodeID ?? "-" } == ["1", "1", "1", "1", "1", "2", "2", "3", "4", "5"])
        #expect(problems.allSatisfy { !$0.description.contains("\n") })
    }

    /// The graphs the real server rejected in transcript d, checked against the catalogue the real server sent in transcript j.
    @Test func agreesWithTheRealServerOnRecordedRejections() throws {
        var catalog = NodeCatalog()
        for (_, body) in try Fixtures.transcriptObjectInfo() { catalog = catalog.merging(try NodeCatalog(objectInfo: body)) }
        let transcript = try JSONValue.parse(Fixtures.bytes(Fixtures.transcriptFolder.appendingPathComponent("d_validation_errors.json")))
        let expected: [String: ValidationProblem.Kind] = [
            "Cannot execute because node NoSuchNodeType does not exist.": .unknownClassType,
            "required_input_missing": .missingRequiredInput, "'99'": .linkToMissingNode,
            "tuple index out of range": .linkToMissingOutput, "return_type_mismatch": .linkTypeMismatch,
            "value_bigger_than_max": .valueAboveMaximum, "invalid_input_type": .wrongLiteralType, "prompt_no_outputs": .noOutputNode,
        ]
        var checked = 0
        for event in transcript["events"]?.arrayValue ?? [] {
            guard event["request"]?["method"]?.stringValue == "POST", let prompt = event["request"]?["json"]?["prompt"],
                  let response = event["response"]?["json"] else { continue }
            guard let workflow = try? Workflow(json: prompt) else {
                #expect(response["error"]?["message"]?.stringValue?.contains("missing the class_type") == true)
                continue
            }
            let text = response.serializedString()
            guard let kind = expected.first(where: { text.contains($0.key) })?.value else { continue }
            let problems = workflow.validate(against: catalog)
            #expect(problems.map(\.kind) == [kind], "\(text)")
            checked += 1
        }
        #expect(checked == 8)
    }
}

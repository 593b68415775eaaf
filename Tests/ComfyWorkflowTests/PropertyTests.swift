import Foundation
import Testing
@testable import ComfyWorkflow

/// Random edits of valid graphs: the loader, validator, injector and converter must answer with
/// values or typed errors, never trap, and keep their invariants.
@Suite("Random edits never crash the loader, validator, injector or converter")
struct PropertyTests {
    static let templates = ["storycore_sdxl.json", "storycore_flux2.json", "emulator_probe.json"]
    static let classNames = ["KSampler", "SaveImage", "EmptyLatentImage", "CLIPTextEncode", "PrimitiveInt", "RandomNoise",
                             "BasicGuider", "FluxGuidance", "ConditioningZeroOut", "Reroute", "NoSuchNode", ""]
    static let inputNames = ["seed", "noise_seed", "text", "width", "height", "positive", "negative", "conditioning", "guider",
                             "sigmas", "latent_image", "images", "value", "filename_prefix", "steps", "x"]

    static func randomValue(_ rng: inout SplitMix64, ids: [String], depth: Int = 0) -> JSONValue {
        switch rng.next() % 12 {
        case 0: return .null
        case 1: return .bool(rng.next() % 2 == 0)
        case 2: return .uint64(rng.next())
        case 3: return .int(Int(truncatingIfNeeded: rng.next()))
        case 4: return .double(Double(Int64(truncatingIfNeeded: rng.next() % 2_000_000)) / 7)
        case 5: return .number(JSONNumber(text: "123456789012345678901234567890")!)
        case 6: return .string(["", "euler", "a\u{0}b", "灯台", "sd_xl_base_1.0.safetensors"][Int(rng.next() % 5)])
        case 7, 8:
            let id = ids.isEmpty ? "1" : ids[Int(rng.next() % UInt64(ids.count))]
            return .array([.string(rng.next() % 5 == 0 ? "missing" : id), .int(Int(rng.next() % 4) - 1)])
        case 9:
            guard depth < 3 else { return .null }
            return .array((0..<Int(rng.next() % 4)).map { _ in randomValue(&rng, ids: ids, depth: depth + 1) })
        case 10:
            guard depth < 3 else { return .null }
            return .object(["__value__": randomValue(&rng, ids: ids, depth: depth + 1)])
        default:
            return .array([.int(Int(rng.next() % 9)), .int(0)])
        }
    }

    static func randomEdit(_ workflow: inout Workflow, _ rng: inout SplitMix64) {
        let ids = workflow.nodeIDs
        guard !ids.isEmpty else {
            workflow["n"] = Node(classType: "SaveImage")
            return
        }
        let id = ids[Int(rng.next() % UInt64(ids.count))]
        switch rng.next() % 6 {
        case 0: workflow[id] = nil
        case 1:
            if let name = workflow[id]?.inputStorage.keys.randomElement(using: &rng) { workflow[id]?.inputStorage[name] = nil }
        case 2:
            workflow[id]?.classType = classNames[Int(rng.next() % UInt64(classNames.count))]
        case 3:
            let name = inputNames[Int(rng.next() % UInt64(inputNames.count))]
            workflow[id]?.inputStorage[name] = randomValue(&rng, ids: ids)
        case 4:
            workflow[id]?[input: inputNames[Int(rng.next() % UInt64(inputNames.count))]] = .link(nodeID: id, output: 0)
        default:
            workflow["r\(rng.next() % 100)"] = Node(classType: classNames[Int(rng.next() % UInt64(classNames.count))],
                                                    inputs: [inputNames[Int(rng.next() % UInt64(inputNames.count))]: randomValue(&rng, ids: ids)])
        }
    }

    static func randomParameters(_ rng: inout SplitMix64) -> WorkflowParameters {
        var p = WorkflowParameters()
        if rng.next() % 2 == 0 { p.seed = rng.next() }
        if rng.next() % 2 == 0 { p.positivePrompt = "pos" }
        if rng.next() % 2 == 0 { p.negativePrompt = "neg" }
        if rng.next() % 2 == 0 { p.width = Int(rng.next() % 3000) - 100 }
        if rng.next() % 2 == 0 { p.height = [512, 768, 1080, 1024][Int(rng.next() % 4)] }
        if rng.next() % 3 == 0 { p.batchSize = Int(rng.next() % 5) }
        if rng.next() % 3 == 0 { p.steps = Int(rng.next() % 50) }
        if rng.next() % 3 == 0 { p.cfg = 7.5 }
        if rng.next() % 3 == 0 { p.samplerName = "euler" }
        if rng.next() % 3 == 0 { p.denoise = 0.5 }
        if rng.next() % 3 == 0 { p.filenamePrefix = "x/y" }
        if rng.next() % 4 == 0 { p.overrides = [NodeInputOverride(nodeID: "3", input: "steps", value: .int(Int(rng.next() % 40)))] }
        if rng.next() % 2 == 0 { p.optional = Set(WorkflowParameters.Parameter.allCases) }
        return p
    }

    @Test(arguments: [1, 2, 3] as [UInt64])
    func randomGraphEditsKeepEveryComponentTotal(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let catalog = try Fixtures.catalog()
        for round in 0..<200 {
            var workflow = try Fixtures.bundled(Self.templates[round % Self.templates.count])
            for _ in 0..<(1 + Int(rng.next() % 6)) { Self.randomEdit(&workflow, &rng) }

            // Loader: what is written reads back as the same graph.
            let bytes = workflow.serialized()
            let reread = try Workflow(data: bytes)
            #expect(reread == workflow)
            #expect(reread.serialized() == bytes)

            // Validator: total and deterministic, one line per problem.
            let problems = workflow.validate(against: catalog)
            #expect(problems == workflow.validate(against: catalog))
            #expect(problems.allSatisfy { !$0.description.contains("\n") })

            // Injector: a new graph or a typed error; the template never changes.
            let before = workflow
            let parameters = Self.randomParameters(&rng)
            for useCatalog in [false, true] {
                if let result = try? workflow.injecting(parameters, catalog: useCatalog ? catalog : nil) {
                    for change in result.changes {
                        #expect(result.workflow[change.nodeID]?.inputStorage[change.input] == change.newValue)
                    }
                }
            }
            #expect(workflow == before)
        }
    }

    @Test func corruptedBytesAreErrorsOrGraphsNeverTraps() throws {
        var rng = SplitMix64(seed: 99)
        let catalog = try Fixtures.catalog()
        let sources = try Self.templates.map { try Fixtures.bytes(Fixtures.bundledFolder.appendingPathComponent($0)) }
            + [try Fixtures.fixture("ui_sdxl.json"), try Fixtures.fixture("ui_flux2.json")]
        for round in 0..<300 {
            var bytes = sources[round % sources.count]
            switch rng.next() % 3 {
            case 0: bytes = Array(bytes.prefix(Int(rng.next() % UInt64(bytes.count))))
            case 1:
                for _ in 0..<(1 + Int(rng.next() % 4)) { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            default:
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: Array(#"[{"]"#.utf8), at: at)
            }
            if let workflow = try? Workflow(data: bytes, catalog: catalog) {
                _ = workflow.validate(against: catalog)
                _ = try? workflow.injecting(Self.randomParameters(&rng), catalog: catalog)
            }
            _ = try? NodeCatalog(data: bytes)
        }
    }

    @Test func randomEditsOfUIExportsAreConvertedOrRefused() throws {
        var rng = SplitMix64(seed: 7)
        let catalog = try Fixtures.catalog()
        let exports = try ["ui_sdxl.json", "ui_flux2.json", "ui_probe.json"].map { try JSONValue.parse(Fixtures.fixture($0)) }
        for round in 0..<300 {
            guard case .object(var root) = exports[round % exports.count], case .array(var nodes)? = root["nodes"] else { continue }
            for _ in 0..<(1 + Int(rng.next() % 3)) {
                let i = Int(rng.next() % UInt64(nodes.count))
                guard case .object(var node) = nodes[i] else { continue }
                switch rng.next() % 5 {
                case 0: node["mode"] = .int([0, 2, 4][Int(rng.next() % 3)])
                case 1: node["widgets_values"] = Self.randomValue(&rng, ids: [])
                case 2: node["type"] = .string(["Reroute", "PrimitiveNode", "Note", "KSampler", "Unknown"][Int(rng.next() % 5)])
                case 3: node["inputs"] = [["name": "images", "type": "IMAGE", "link": .int(Int(rng.next() % 20))]]
                default: nodes.remove(at: i); continue
                }
                nodes[i] = .object(node)
            }
            root["nodes"] = .array(nodes)
            if let workflow = try? UIWorkflowConverter(catalog: catalog).convert(.object(root)) {
                _ = workflow.validate(against: catalog)
                #expect(try Workflow(data: workflow.serialized()) == workflow)
            }
        }
    }
}

import Foundation
import Testing
@testable import ComfyWorkflow

@Suite("Shot clip graphs: the still, the frame count and the frame rate are found by analysis")
struct ClipGraphTests {
    @Test func wanGraphTakesFourKPlusOneFramesAtSixteenFps() throws {
        let clip = try ClipGraph(analyzing: try Fixtures.bundled("storycore_clip_wan.json"))
        #expect(clip.imageNode == NodeInputReference(nodeID: "52", input: "image"))
        #expect(clip.lengthInputs == [NodeInputReference(nodeID: "50", input: "length")])
        #expect(clip.rule == .init(minimum: 1, step: 4))
        #expect(clip.frameRate == 16)
        #expect(clip.frameRateInput == NodeInputReference(nodeID: "47", input: "fps"))
        #expect(clip.frames(forSeconds: 6) == 97)
        #expect(clip.frames(forSeconds: 1) == 17)
        #expect(clip.frames(forSeconds: 5.0625) == 81)
    }

    @Test func ltxGraphTakesEightKPlusOneFramesFromNineAtTwentyFourFps() throws {
        let clip = try ClipGraph(analyzing: try Fixtures.bundled("storycore_clip_ltx.json"))
        #expect(clip.imageNode.nodeID == "78")
        #expect(clip.lengthInputs == [NodeInputReference(nodeID: "77", input: "length")])
        #expect(clip.frameRate == 24)
        #expect(clip.frameRateInput.nodeID == "41")
        #expect(clip.frames(forSeconds: 6) == 145)
        #expect(clip.frames(forSeconds: 4) == 97)
        #expect(clip.frames(forSeconds: 0.1) == 9, "never below the node's minimum")
    }

    @Test func theCatalogueDecidesTheRoundingAndTheMaximum() throws {
        let catalog = try NodeCatalog(data: Fixtures.fixture("object_info_clip_nodes.json"))
        let clip = try ClipGraph(analyzing: try Fixtures.bundled("storycore_clip_ltx.json"), catalog: catalog)
        #expect(clip.rule == .init(minimum: 9, step: 8, maximum: 16384))
        #expect(ClipGraph.FrameRule(minimum: 9, step: 8, maximum: 40).rounded(1000) == 33)
    }

    @Test func applyingSetsTheFrameCountAndTheUploadedImage() throws {
        let template = try Fixtures.bundled("storycore_clip_wan.json")
        let clip = try ClipGraph(analyzing: template)
        let graph = clip.applying(frames: 33, image: "storycore/shot_01_panel_01_v1 (1).png", to: template)
        #expect(graph["50"]?[input: "length"] == .literal(33))
        #expect(graph["52"]?[input: "image"] == .literal("storycore/shot_01_panel_01_v1 (1).png"))
        #expect(template["50"]?[input: "length"] == .literal(81), "the template is not changed")
    }

    /// An image graph with a LoadImage but nothing that holds a frame count.
    static let noLength = #"""
    {"1": {"class_type": "LoadImage", "inputs": {"image": "x.png"}},
     "2": {"class_type": "ImageScale", "inputs": {"image": ["1", 0], "upscale_method": "nearest-exact", "width": 64, "height": 64, "crop": "disabled"}},
     "3": {"class_type": "SaveAnimatedWEBP", "inputs": {"images": ["2", 0], "filename_prefix": "x", "fps": 8.0, "lossless": true, "quality": 80, "method": "default"}}}
    """#

    @Test func aGraphWithoutAFrameCountFailsWithOneLineNamingTheOption() throws {
        let graph = try Workflow(data: Array(Self.noLength.utf8))
        #expect(throws: ClipGraphError.noLengthInput) { try ClipGraph(analyzing: graph) }
        #expect(ClipGraphError.noLengthInput.description.contains("--clip-length-input NODE.INPUT"))
        #expect(!ClipGraphError.noLengthInput.description.contains("\n"))
    }

    @Test func aNamedLengthInputIsUsedWhenTheAnalysisFindsNone() throws {
        let graph = try Workflow(data: Array(Self.noLength.utf8))
        let clip = try ClipGraph(analyzing: graph, lengthInput: NodeInputReference(parsing: "2.width"))
        #expect(clip.lengthInputs.map(\.description) == ["2.width"])
        #expect(clip.frames(forSeconds: 2) == 16)
        #expect(throws: ClipGraphError.lengthNodeMissing(NodeInputReference(nodeID: "9", input: "length"))) {
            try ClipGraph(analyzing: graph, lengthInput: NodeInputReference(nodeID: "9", input: "length"))
        }
        #expect(throws: ClipGraphError.lengthInputUnknown(NodeInputReference(nodeID: "2", input: "frames"), classType: "ImageScale")) {
            try ClipGraph(analyzing: graph, lengthInput: NodeInputReference(nodeID: "2", input: "frames"))
        }
    }

    @Test func graphsWithoutAStillOrAFrameRateAreRefused() throws {
        var wan = try Fixtures.bundled("storycore_clip_wan.json")
        wan["52"]?.classType = "EmptyImage"
        #expect(throws: ClipGraphError.noLoadImage) { try ClipGraph(analyzing: wan) }
        var noRate = try Fixtures.bundled("storycore_clip_wan.json")
        noRate["47"]?.classType = "GetVideoComponents"
        #expect(throws: ClipGraphError.noFrameRate) { try ClipGraph(analyzing: noRate) }
        var badRate = try Fixtures.bundled("storycore_clip_ltx.json")
        badRate["41"]?.inputStorage["fps"] = "fast"
        #expect(throws: ClipGraphError.frameRateNotANumber(NodeInputReference(nodeID: "41", input: "fps"), found: "\"fast\"")) {
            try ClipGraph(analyzing: badRate)
        }
    }

    @Test func nodeInputReferencesSplitAtTheLastDot() {
        #expect(NodeInputReference(parsing: "12.length") == NodeInputReference(nodeID: "12", input: "length"))
        #expect(NodeInputReference(parsing: "a.b.frames") == NodeInputReference(nodeID: "a.b", input: "frames"))
        #expect(NodeInputReference(parsing: "length") == nil)
        #expect(NodeInputReference(parsing: ".length") == nil)
        #expect(NodeInputReference(parsing: "12.") == nil)
    }

    @Test func bundledClipGraphsRoundTripByteForByte() throws {
        for name in ["storycore_clip_wan.json", "storycore_clip_ltx.json"] {
            let url = Fixtures.bundledFolder.appendingPathComponent(name)
            #expect(try Workflow(contentsOf: url).serialized() == (try Fixtures.bytes(url)), "\(name)")
        }
    }

    @Test func theEmulatorServesTheRealServersClipNodeDefinitions() async throws {
        let real = try JSONValue.parse(Fixtures.fixture("object_info_clip_nodes.json"))
        try await EmulatorAcceptanceTests.withEmulator { base, _ in
            for (name, definition) in real.objectValue ?? [:] {
                let served = try await EmulatorAcceptanceTests.request(base, "/object_info/\(name)")
                #expect(served.json[name] == definition, "\(name) differs from the real server's")
            }
        }
    }

    @Test func bundledClipGraphsAreValidAgainstTheEmulatorsCatalogue() async throws {
        try await EmulatorAcceptanceTests.withEmulator { base, catalog in
            for name in ["storycore_clip_wan.json", "storycore_clip_ltx.json"] {
                let template = try Fixtures.bundled(name)
                let clip = try ClipGraph(analyzing: template, catalog: catalog)
                let graph = clip.applying(frames: clip.frames(forSeconds: 0.5), image: "storycore/key.png", to: template)
                let problems = graph.validate(against: catalog)
                #expect(problems.isEmpty, "\(name): \(problems)")
            }
        }
    }
}

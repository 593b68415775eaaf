import Foundation
import Testing
@testable import ComfyWorkflow

@Suite("Workflows load and write back byte for byte")
struct WorkflowLoadingTests {
    @Test(arguments: ["storycore_sdxl.json", "storycore_flux2.json", "emulator_probe.json"])
    func bundledWorkflowsRoundTripByteForByte(name: String) throws {
        let url = Fixtures.bundledFolder.appendingPathComponent(name)
        let workflow = try Workflow(contentsOf: url)
        #expect(workflow.serialized() == (try Fixtures.bytes(url)))
    }

    @Test func keepsKeyOrderMetaAndUnknownFieldsOfEveryNode() throws {
        let text = #"{"b":{"class_type":"SaveImage","_meta":{"title":"Out"},"inputs":{"images":["a",0],"filename_prefix":"x"},"is_changed":["z"]},"a":{"x_custom":1,"inputs":{"width":8,"height":8,"batch_size":1,"color":0},"class_type":"EmptyImage"}}"#
        let workflow = try Workflow(data: Array(text.utf8))
        #expect(workflow.nodeIDs == ["b", "a"])
        #expect(workflow["b"]?.title == "Out")
        #expect(workflow["b"]?.extra["is_changed"] == ["z"])
        #expect(workflow.json.serializedString() == text)
        var edited = workflow
        edited["a"]?[input: "width"] = .literal(16)
        #expect(edited.json.serializedString() == text.replacingOccurrences(of: #""width":8"#, with: #""width":16"#))
    }

    @Test func nodesBuiltInCodeAreWrittenLikeTheFrontendWritesThem() {
        var workflow = Workflow()
        workflow["1"] = Node(classType: "EmptyImage", inputs: ["width": 8], extra: ["_meta": ["title": "t"]])
        #expect(workflow.json.serializedString() == #"{"1":{"inputs":{"width":8},"class_type":"EmptyImage","_meta":{"title":"t"}}}"#)
        workflow["1"] = nil
        #expect(workflow.count == 0)
    }

    @Test func linksAndLiteralsAreReadAsComfyUIReadsThem() throws {
        let workflow = try Workflow(data: Array(#"{"1":{"class_type":"X","inputs":{"a":["2",0],"b":["2",1.0],"c":[2,0],"d":["2",0,1],"e":{"__value__":[1,2]},"f":"s"}}}"#.utf8))
        let node = try #require(workflow["1"])
        #expect(node[input: "a"] == .link(nodeID: "2", output: 0))
        #expect(node[input: "b"] == .link(nodeID: "2", output: 1))
        #expect(node[input: "c"]?.link == nil)
        #expect(node[input: "d"]?.literal == ["2", 0, 1])
        #expect(node[input: "f"]?.literal == "s")
        #expect(node.inputs.map(\.name) == ["a", "b", "c", "d", "e", "f"])
    }

    @Test(arguments: [
        ("[1]", "workflow: $: expected an object of nodes, found array"),
        (#"{"1": 5}"#, #"workflow: $["1"]: expected a node object, found number"#),
        (#"{"1": {"inputs": {}}}"#, #"workflow: $["1"]: node has no class_type"#),
        (#"{"1": {"class_type": 3}}"#, #"workflow: $["1"].class_type: expected a string, found number"#),
        (#"{"1": {"class_type": "X", "inputs": []}}"#, #"workflow: $["1"].inputs: expected an object, found array"#),
        ("{", "workflow: invalid JSON: unexpected end of input in an object at byte 1"),
    ])
    func malformedGraphsAreErrorsNamingThePath(text: String, message: String) {
        do {
            _ = try Workflow(data: Array(text.utf8))
            Issue.record("accepted \(text)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func unreadableFileNamesTheFile() {
        let url = URL(fileURLWithPath: "/nonexistent/graph.json")
        do {
            _ = try Workflow(contentsOf: url)
            Issue.record("read a missing file")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/graph.json: cannot read"))
        }
    }
}

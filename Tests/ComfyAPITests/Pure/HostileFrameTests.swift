@testable import ComfyAPI
import ComfyWorkflow
import Testing

@Suite("Hostile or newer WebSocket frames never crash the decoder")
struct HostileFrameTests {
    @Test("garbage text frames become unknown events", arguments: [
        "", "not json", "[1,2,3]", "{\"type\": 5}", "{\"data\": {}}", String(repeating: "[", count: 5000),
        "{\"type\":\"progress\",\"data\":{\"value\":\"x\"}}", "{\"type\":\"executing\",\"data\":{\"node\":7}}",
        "{\"type\":\"execution_start\",\"data\":null}", "{\"type\":\"status\",\"data\":[]}",
        "{\"type\":\"progress\",\"data\":{\"value\":1e999,\"max\":5,\"prompt_id\":\"p\"}}",
        "{\"type\":\"progress\",\"data\":{\"value\":1,\"max\":1e20,\"prompt_id\":\"p\"}}",
        "{\"type\":\"progress_state\",\"data\":{\"prompt_id\":\"p\",\"nodes\":{\"1\":{\"value\":-1e999,\"max\":1}}}}",
    ])
    func garbageText(text: String) {
        let event = ServerEventDecoder.decode(text: text)
        guard case .unknown = event else { Issue.record("decoded \(text.prefix(40)) as \(event)"); return }
    }

    @Test("a negative queue length is not passed on")
    func negativeQueue() {
        #expect(ServerEventDecoder.decode(text: #"{"type":"status","data":{"status":{"exec_info":{"queue_remaining":-5}}}}"#)
                == .status(queueRemaining: nil, sid: nil))
    }

    @Test("a new message type is kept as unknown with its payload")
    func newType() {
        let event = ServerEventDecoder.decode(text: #"{"type":"logs","data":{"entries":[{"t":"1","m":"hi"}],"size":null}}"#)
        #expect(event == .unknown(type: "logs", raw: ["entries": [["t": "1", "m": "hi"]], "size": nil]))
    }

    @Test("truncated and unknown binary frames are reported, not misread", arguments: [
        [UInt8](), [0, 0], [0, 0, 0, 4, 0, 0, 0xFF, 0xFF, 1], [0, 0, 0, 3, 0, 0, 0, 9, 65], [0, 0, 0, 9, 1, 2, 3, 4],
        [0, 0, 0, 4, 0, 0, 0, 2, 0x5B, 0x5D, 1, 2],
    ])
    func badBinary(bytes: [UInt8]) {
        let event = ServerEventDecoder.decode(binary: bytes)
        guard case .unknownBinary = event else { Issue.record("decoded \(bytes) as \(event)"); return }
    }

    @Test("a text frame names its node and text")
    func textFrame() {
        let node = Array("2".utf8), text = Array("width: 16, height: 16\n batch size: 2".utf8)
        let frame = Transcripts.u32(3) + Transcripts.u32(UInt32(node.count)) + node + text
        #expect(ServerEventDecoder.decode(binary: frame) == .progressText(nodeID: "2", text: "width: 16, height: 16\n batch size: 2"))
    }

    @Test("executed with a null output and execution_error with a list of inputs decode leniently")
    func lenient() {
        let executed = ServerEventDecoder.decode(text: #"{"type":"executed","data":{"node":"2","display_node":"2","output":null,"prompt_id":"p"}}"#)
        #expect(executed == .executed(node: "2", displayNode: "2", promptID: "p", output: nil))
        let cycle = ServerEventDecoder.decode(text: #"{"type":"execution_error","data":{"prompt_id":"p","node_id":"1","node_type":"A","exception_type":"graph.DependencyCycleError","exception_message":"Dependency cycle detected","traceback":[],"current_inputs":[],"current_outputs":[]}}"#)
        guard case .executionError(let f) = cycle else { Issue.record("got \(cycle)"); return }
        #expect(f.exceptionType == "graph.DependencyCycleError")
    }
}

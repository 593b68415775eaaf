@testable import ComfyAPI
import ComfyWorkflow
import Testing

@Suite("Every WebSocket message in the transcripts decodes to a typed event")
struct TranscriptEventDecodingTests {
    @Test("text frames decode, none as unknown", arguments: Transcripts.names)
    func textFramesDecode(name: String) throws {
        var count = 0
        for event in try Transcripts.events(name) where event["kind"]?.stringValue == "ws_recv" {
            guard let message = event["message"], message["binary"] == nil else { continue }
            let decoded = ServerEventDecoder.decode(text: message.serialized())
            if case .unknown(let type, _) = decoded {
                Issue.record("\(name) seq \(event["seq"]?.intValue ?? -1): \(type) decoded as unknown")
            }
            #expect(decoded.typeName == message["type"]?.stringValue)
            if let id = message["data"]?["prompt_id"]?.stringValue { #expect(decoded.promptID == id) }
            count += 1
        }
        if name != "i_upload_view.json" && name != "j_info_endpoints.json" && name != "d_validation_errors.json" {
            #expect(count > 0)
        }
    }

    @Test("binary frames decode to previews with format and metadata", arguments: Transcripts.names)
    func binaryFramesDecode(name: String) throws {
        for event in try Transcripts.events(name) where event["kind"]?.stringValue == "ws_recv" {
            guard let summary = event["message"], summary["binary"]?.boolValue == true else { continue }
            let frame = try #require(Transcripts.binaryFrame(summary))
            let decoded = ServerEventDecoder.decode(binary: frame)
            guard case .preview(let preview) = decoded else {
                Issue.record("\(name): binary frame decoded as \(decoded.typeName)")
                continue
            }
            switch summary["event_type"]?.intValue {
            case 1:
                #expect(preview.format == (summary["image_format"]?.intValue == 1 ? .jpeg : .png))
                #expect(preview.metadata == nil)
                #expect(preview.data.count == frame.count - 8)
            case 4:
                let metadata = try #require(summary["metadata"])
                #expect(preview.promptID == metadata["prompt_id"]?.stringValue)
                #expect(preview.nodeID == metadata["node_id"]?.stringValue)
                #expect(preview.format.rawValue == metadata["image_type"]?.stringValue)
                #expect(Array(preview.data.prefix(8)) == Transcripts.hex(summary["image_first_8_bytes_hex"]?.stringValue ?? ""))
            default:
                Issue.record("unexpected event type")
            }
        }
    }

    @Test("a fresh run ends with executing null for its prompt, after execution_success")
    func freshRunOrder() throws {
        let messages = try Transcripts.events("b_probe_run.json")
            .filter { $0["kind"]?.stringValue == "ws_recv" && $0["message"]?["binary"] == nil }
            .map { ServerEventDecoder.decode(message: $0["message"]!) }
        guard case .executionStart(let id, let timestamp) = try #require(messages.first { $0.typeName == "execution_start" }) else {
            Issue.record("no execution_start"); return
        }
        #expect(timestamp != nil)
        let last = try #require(messages.last)
        #expect(last == .executing(node: nil, displayNode: nil, promptID: id))
        let success = try #require(messages.firstIndex { $0.typeName == "execution_success" })
        #expect(success < messages.count - 1)
        let executed = messages.compactMap { event -> [OutputFile]? in
            if case .executed(let node, _, _, let output) = event { return OutputFile.files(inNodeOutput: output, nodeID: node) }
            return nil
        }
        #expect(executed.flatMap { $0 }.count == 2)
        let progress = messages.compactMap { event -> ProgressUpdate? in
            if case .progress(let p) = event { return p }
            return nil
        }
        #expect(progress.map(\.value) == [1, 2, 3, 4, 5])
        #expect(progress.last?.fraction == 1)
    }

    @Test("the reconnect form of executing carries no prompt id")
    func reconnectForm() throws {
        let forms = try Transcripts.events("l_ws_reconnect.json")
            .compactMap { $0["message"] }
            .filter { $0["type"]?.stringValue == "executing" && $0["data"]?["prompt_id"] == nil }
            .map(ServerEventDecoder.decode(message:))
        #expect(!forms.isEmpty)
        for form in forms {
            guard case .executing(let node, nil, nil) = form else { Issue.record("unexpected \(form)"); continue }
            #expect(node != nil)
        }
    }

    @Test("the first status carries the sid, later ones do not")
    func statusSid() throws {
        let statuses = try Transcripts.events("a_ws_connect.json")
            .compactMap { $0["message"] }
            .filter { $0["type"]?.stringValue == "status" }
            .map(ServerEventDecoder.decode(message:))
        #expect(statuses.contains { if case .status(_, let sid?) = $0 { return !sid.isEmpty }; return false })
    }
}

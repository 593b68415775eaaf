@testable import ComfyAPI
import ComfyWorkflow
import Testing

@Suite("Recorded HTTP replies parse into typed values")
struct TranscriptReplyParsingTests {
    @Test("every history reply parses, with the outcome the transcript shows")
    func historyReplies() throws {
        var outcomes: [String: [HistoryEntry.Outcome]] = [:]
        for name in Transcripts.names {
            for exchange in try Transcripts.http(name) where exchange.path.hasPrefix("/history/") {
                let id = String(exchange.path.dropFirst("/history/".count))
                let json = try #require(exchange.response["json"])
                guard let entry = json[id] else { continue }
                let parsed = try HistoryEntry(promptID: id, json: entry, route: "GET /history/{id}")
                outcomes[name, default: []].append(parsed.outcome)
            }
        }
        #expect(outcomes["b_probe_run.json"]?.last == .success)
        guard case .failed(let failure)? = outcomes["e_execution_error.json"]?.first else {
            Issue.record("e: expected a failure"); return
        }
        #expect(failure.nodeType == "ProbeFail")
        #expect(!failure.isOutOfMemory)
        #expect(!failure.exceptionMessage.hasSuffix("\n"))
        guard case .failed(let oom)? = outcomes["f_oom_error.json"]?.first else { Issue.record("f: expected a failure"); return }
        #expect(oom.isOutOfMemory)
        #expect(outcomes["f_oom_error.json"]?.last == .success)
        #expect(outcomes["g_interrupt.json"]?.contains { if case .interrupted = $0 { return true }; return false } == true)
    }

    @Test("a cached resubmission still lists its output files in history")
    func cachedHistoryHasFiles() throws {
        let exchanges = try Transcripts.http("c_probe_cached.json").filter { $0.path.hasPrefix("/history/") }
        let second = try #require(exchanges.last)
        let id = String(second.path.dropFirst("/history/".count))
        let raw = try #require(second.response["json"]?[id])
        let entry = try HistoryEntry(promptID: id, json: raw, route: "t")
        #expect(!entry.files.isEmpty)
        #expect(entry.cachedNodes.count == 2)
        #expect(entry.files.allSatisfy { $0.type == "output" && $0.filename.hasSuffix(".png") })
    }

    @Test("queue replies parse and pending is sorted into execution order")
    func queueReplies() throws {
        var seen = 0
        for name in Transcripts.names {
            for exchange in try Transcripts.http(name) where exchange.method == "GET" && exchange.path == "/queue" {
                let json = try #require(exchange.response["json"])
                let snapshot = try QueueSnapshot(json: json, route: "GET /queue")
                #expect(snapshot.pending.map(\.number) == snapshot.pending.map(\.number).sorted())
                seen += 1
            }
        }
        #expect(seen >= 4)
        let unsorted: JSONValue = ["queue_running": [], "queue_pending": [[51, "e", [:], [:], ["2"]], [-50, "a", [:], [:], []], [2.5, "c", [:], [:], []]]]
        #expect(try QueueSnapshot(json: unsorted, route: "t").pending.map(\.promptID) == ["a", "c", "e"])
    }

    @Test("validation replies name node, class, input and message")
    func validationReplies() throws {
        var failures: [ValidationFailure] = []
        for exchange in try Transcripts.http("d_validation_errors.json") where exchange.status == 400 {
            let json = try #require(exchange.response["json"])
            failures.append(try #require(ValidationFailure(reply: json)))
        }
        #expect(failures.count == 10)
        let types = Set(failures.map(\.type))
        #expect(types.isSuperset(of: ["invalid_prompt", "prompt_outputs_failed_validation", "prompt_no_outputs", "no_prompt"]))
        let unknownClass = try #require(failures.first { $0.type == "invalid_prompt" && $0.message.contains("does not exist") })
        #expect(unknownClass.nodeID != nil)
        let tooBig = try #require(failures.flatMap(\.nodeErrors).first { $0.type == "value_bigger_than_max" })
        #expect(tooBig.inputName != nil)
        #expect(!tooBig.classType.isEmpty && tooBig.classType != "?")
        #expect(tooBig.description.contains("node \(tooBig.nodeID)"))
        for failure in failures {
            #expect(!failure.description.contains("\n"))
            if failure.type == "prompt_outputs_failed_validation" { #expect(!failure.nodeErrors.isEmpty) }
        }
    }

    @Test("accepted submits give a receipt with the prompt id")
    func submitReplies() throws {
        for name in ["b_probe_run.json", "m_client_prompt_id.json"] {
            for exchange in try Transcripts.http(name) where exchange.path == "/prompt" && exchange.status == 200 {
                let json = try #require(exchange.response["json"])
                let id = try #require(json["prompt_id"]?.stringValue)
                let receipt = try ComfyClient.receipt(from: json, promptID: id)
                #expect(receipt.number != nil)
                #expect(receipt.droppedNodeErrors.isEmpty)
            }
        }
    }

    @Test("system stats, features and lists parse")
    func infoReplies() throws {
        let info = try Transcripts.http("j_info_endpoints.json")
        let statsJSON = try #require(info.first { $0.path == "/system_stats" }?.response["json"])
        let stats = try SystemStats(json: statsJSON, route: "t")
        #expect(stats.comfyUIVersion == "0.8.0")
        #expect(stats.devices.count == 1)
        let featuresJSON = try #require(info.first { $0.path == "/features" }?.response["json"])
        let features = try ServerFeatures(json: featuresJSON, route: "t")
        #expect(features.supportsPreviewMetadata)
        #expect(features.maxUploadSize == 104857600)
    }
}

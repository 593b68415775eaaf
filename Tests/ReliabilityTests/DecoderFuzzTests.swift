import ComfyChaos
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import ComfyAPI

/// Seeded mutations of the real server transcripts through every decoder the client uses: each case
/// decodes into a typed value or is refused with a typed result, never a trap or an unsafe value.
@Suite("Hostile server messages and bodies never crash the decoders")
struct DecoderFuzzTests {
    /// Reply parsers as the client applies them, by route: the transport's JSON limits, then the typed model.
    static let decodeBody: DecoderFuzzer.BodyDecoder = { route, body in
        let json: JSONValue
        do {
            json = try JSONValue.parse(body, limits: JSONLimits(maxDepth: 512, maxBytes: 32 << 20))
        } catch {
            return .refused("not JSON: \(error)")
        }
        do throws(ComfyError) {
            if route.hasPrefix("GET /queue") {
                _ = try QueueSnapshot(json: json, route: route)
            } else if route.hasPrefix("GET /history") {
                guard let object = json.objectValue else {
                    throw ComfyError.malformedReply(route: route, field: "(root)", reason: "expected an object")
                }
                for (id, entry) in object { _ = try HistoryEntry(promptID: id, json: entry, route: route) }
            } else if route.hasPrefix("GET /system_stats") {
                _ = try SystemStats(json: json, route: route)
            } else if route.hasPrefix("GET /features") {
                _ = try ServerFeatures(json: json, route: route)
            } else if route.hasPrefix("POST /prompt") {
                if ValidationFailure(reply: json) == nil {
                    _ = try ComfyClient.receipt(from: json, promptID: json["prompt_id"]?.stringValue ?? "")
                }
            }
            return .decoded
        } catch {
            return .refused(error.description)
        }
    }

    @Test func theCorpusHoldsEveryKindOfRecordedInput() throws {
        let corpus = try Fixtures.corpus()
        #expect(corpus.textFrames.count > 100)
        #expect(corpus.binaryFrames.count > 5)
        #expect(corpus.httpBodies.count > 20)
        let routes = Set(corpus.httpBodies.map { String($0.route.prefix { $0 != "?" }.split(separator: "/").prefix(2).joined(separator: "/")) })
        #expect(routes.contains { $0.hasPrefix("GET /queue") })
        #expect(routes.contains { $0.hasPrefix("GET /history") })
        #expect(routes.contains { $0.hasPrefix("POST /prompt") })
    }

    @Test func twelveThousandMutatedMessagesAndBodiesEndTyped() async throws {
        let corpus = try Fixtures.corpus()
        // A case counts as hung only after a minute, so a busy machine cannot make one look slow; per-case
        // speed is the business of `comfybridge-dev chaos --fuzz N` (2 s limit per case) and `comfybridge-bench`.
        let report = try await HangGuard.run(within: .seconds(300)) {
            DecoderFuzzer(corpus: corpus, seed: 20_261_125, slowCaseLimit: .seconds(60)).run(cases: 12_000, bodyDecoder: Self.decodeBody)
        }
        #expect(report.cases == 12_000)
        #expect(report.httpBodies == 4_000)
        #expect(report.violations.isEmpty, "\(report.violations.prefix(10).map(\.description))")
        #expect(report.decoded > 0 && report.refused > 0)
        for kind in MessageMutator.Kind.allCases {
            #expect(report.byKind[kind.rawValue, default: 0] > 0, "mutation \(kind) never applied")
        }
    }

    @Test func theSameSeedReplaysTheSameCases() throws {
        let corpus = try Fixtures.corpus()
        let first = DecoderFuzzer(corpus: corpus, seed: 99).run(cases: 600, bodyDecoder: Self.decodeBody)
        let second = DecoderFuzzer(corpus: corpus, seed: 99).run(cases: 600, bodyDecoder: Self.decodeBody)
        #expect(first.byKind == second.byKind)
        #expect(first.decoded == second.decoded && first.refused == second.refused)
        var a = MessageMutator(seed: 5)
        var b = MessageMutator(seed: 5)
        let message = Array(#"{"type":"progress","data":{"value":3,"max":20,"prompt_id":"p","node":"3"}}"#.utf8)
        for _ in 0..<50 { #expect(a.mutate(json: message) == b.mutate(json: message)) }
    }

    @Test(arguments: [
        #"{"type":"progress","data":{"value":1e999999,"max":20,"prompt_id":"p","node":"3"}}"#,
        #"{"type":"progress","data":{"value":3,"max":-1e999999,"prompt_id":"p","node":"3"}}"#,
        #"{"type":"progress","data":{"value":1e300,"max":20,"prompt_id":"p","node":"3"}}"#,
        #"{"type":"progress_state","data":{"prompt_id":"p","nodes":{"3":{"value":1e999,"max":1.0,"state":"running"}}}}"#,
        #"{"type":"status","data":{"status":{"exec_info":{"queue_remaining":-5}}}}"#,
    ])
    func numbersNoStepCountCanHoldAreNotPassedOn(text: String) {
        let event = ServerEventDecoder.decode(text: text)
        #expect(DecoderFuzzer.unsafeValue(in: event) == nil, "\(event)")
    }

    @Test(arguments: [
        [UInt8](),
        [0, 0, 0],
        [0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF, 0x7B],
        [0, 0, 0, 3, 0x7F, 0xFF, 0xFF, 0xFF, 0x41],
        [0, 0, 0, 4, 0, 0, 0, 2, 0x5B],
        [0, 0, 0, 1],
        [0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4, 5],
    ])
    func binaryFramesWithWrongLengthsAreTypedUnknowns(bytes: [UInt8]) {
        switch ServerEventDecoder.decode(binary: bytes) {
        case .unknownBinary, .preview: break
        case let other: Issue.record("unexpected \(other)")
        }
    }

    @Test func deepNestingAndInvalidUTF8AreRefusedNotRecursedInto() {
        let deep = "{\"type\":\"status\",\"data\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"
        #expect(ServerEventDecoder.decode(text: deep).typeName == "invalid")
        var bytes = Array(#"{"type":"executing","data":{"node":"3","prompt_id":"p"}}"#.utf8)
        bytes.insert(contentsOf: [0xC3, 0x28, 0xFF], at: 30)
        _ = ServerEventDecoder.decode(text: bytes).typeName
    }
}

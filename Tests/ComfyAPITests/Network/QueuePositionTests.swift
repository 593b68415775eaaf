@testable import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing

@Suite("A client counts its own prompts ahead of a submitted one from the socket, without GET /queue", .timeLimit(.minutes(10)))
struct QueuePositionTests {
    @Test("prompts submitted one after another are counted in order and leave the count when they finish")
    func promptsAheadFollowSubmissionAndCompletion() async throws {
        try await EmulatorHarness.run { _, client in
            let first = try await client.submit(EmulatorHarness.probe(steps: 40, stepMS: 50), promptID: "ahead-1-\(UUID().uuidString)")
            let second = try await client.submit(EmulatorHarness.probe(steps: 1, stepMS: 1), promptID: "ahead-2-\(UUID().uuidString)")
            let third = try await client.submit(EmulatorHarness.probe(steps: 1, stepMS: 1), promptID: "ahead-3-\(UUID().uuidString)")
            let thirdAhead = try #require(await client.promptsAhead(of: third.promptID) ?? 0 as Int?)
            let secondAhead = await client.promptsAhead(of: second.promptID)
            // The server runs them in order: while the first is unfinished, both others wait behind it.
            if await client.promptsAhead(of: first.promptID) != nil {
                #expect(thirdAhead == 2)
                #expect(secondAhead == 1)
            } else {
                #expect(thirdAhead <= 1)
            }
            #expect(await client.promptsAhead(of: "never-submitted") == nil)
            _ = try await first.result()
            #expect(await client.promptsAhead(of: first.promptID) == nil)
            #expect((await client.promptsAhead(of: third.promptID) ?? 0) <= 1)
            _ = try await second.result()
            _ = try await third.result()
            #expect(await client.promptsAhead(of: second.promptID) == nil)
            #expect(await client.promptsAhead(of: third.promptID) == nil)
        }
    }
}

@testable import ComfyAPI
import ComfyWorkflow
import Testing

@Suite("The router gives each prompt its own events and attributes anonymous frames to the running prompt")
struct EventRouterTests {
    /// Reads the signals buffered so far (the router finishes every stream on close).
    static func drain(_ stream: AsyncStream<PromptSignal>) async -> [ServerEvent] {
        var events: [ServerEvent] = []
        for await signal in stream { if case .event(let e) = signal { events.append(e) } }
        return events
    }

    @Test("events are routed by prompt id; anonymous frames go to the prompt that is running")
    func attribution() async {
        let router = EventRouter()
        let a = await router.subscribe("a")
        let b = await router.subscribe("b")
        let preview = PreviewImage(format: .jpeg, data: [0xFF, 0xD8])
        let sequence: [ServerEvent] = [
            .status(queueRemaining: 2, sid: nil),
            .executionStart(promptID: "a", timestamp: 1),
            .executing(node: "1", displayNode: "1", promptID: "a"),
            .preview(preview),
            .progressText(nodeID: "1", text: "width: 16"),
            .executing(node: "1", displayNode: nil, promptID: nil),
            .executing(node: nil, displayNode: nil, promptID: "a"),
            .progressText(nodeID: "9", text: "someone else's"),
            .executionStart(promptID: "b", timestamp: 2),
            .progress(ProgressUpdate(promptID: "b", node: "1", value: 1, max: 2)),
            .executionInterrupted(promptID: "b", nodeID: "1", nodeType: "X", executed: []),
            .preview(preview),
        ]
        for event in sequence { await router.route(event) }
        await router.close()
        let eventsA = await Self.drain(a.stream)
        let eventsB = await Self.drain(b.stream)
        #expect(eventsA.map(\.typeName) == ["execution_start", "executing", "preview_image", "progress_text", "executing", "executing"])
        #expect(eventsB.map(\.typeName) == ["execution_start", "progress", "execution_interrupted"])
    }

    @Test("a dropped subscriber is pruned and unsubscribing ends only that stream")
    func pruning() async {
        let router = EventRouter()
        var first: AsyncStream<PromptSignal>? = await router.subscribe("p").stream
        let second = await router.subscribe("p")
        #expect(await router.subscribedPromptCount == 1)
        first = nil
        _ = first
        await router.route(.executionStart(promptID: "p", timestamp: nil))
        await router.unsubscribe("p", token: second.token)
        #expect(await router.subscribedPromptCount == 0)
        #expect(await Self.drain(second.stream).count == 1)
    }

    @Test("idle prompts get one stall check per timeout, busy ones none")
    func stallChecks() async throws {
        let router = EventRouter()
        let idle = await router.subscribe("idle")
        await router.checkIdle(timeout: .zero)
        await router.checkIdle(timeout: .seconds(3600))
        await router.close()
        var checks = 0
        for await signal in idle.stream { if case .reconcile(.stallCheck) = signal { checks += 1 } }
        #expect(checks == 1)
    }
}

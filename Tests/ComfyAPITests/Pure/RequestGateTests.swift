@testable import ComfyAPI
import Testing

@Suite("The request gate admits a bounded number of requests and lets waiters cancel")
struct RequestGateTests {
    @Test func admitsUpToTheLimitThenHandsFreedSlotsToWaiters() async {
        let gate = RequestGate(limit: 2)
        #expect(await gate.enter())
        #expect(await gate.enter())
        let (admitted, note) = AsyncStream<Int>.makeStream()
        let third = Task { let ok = await gate.enter(); note.yield(3); return ok }
        let fourth = Task { let ok = await gate.enter(); note.yield(4); return ok }
        var iterator = admitted.makeAsyncIterator()
        await gate.leave()
        let first = await iterator.next()
        await gate.leave()
        let second = await iterator.next()
        let thirdAdmitted = await third.value
        let fourthAdmitted = await fourth.value
        #expect(thirdAdmitted && fourthAdmitted)
        #expect(Set([first, second]) == [3, 4])
    }

    @Test func aCancelledWaiterLeavesWithoutASlot() async {
        let gate = RequestGate(limit: 1)
        #expect(await gate.enter())
        let waiter = Task { await gate.enter() }
        waiter.cancel()
        #expect(await waiter.value == false)
        await gate.leave()
        #expect(await gate.enter(), "the slot is free again: the cancelled waiter took none")
    }
}

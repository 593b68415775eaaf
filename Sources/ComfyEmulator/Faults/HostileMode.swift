import ComfyWorkflow
import Foundation

extension EmulatorCore {
    /// A damaged copy of an outgoing JSON text (WebSocket text frame or HTTP body) when the fault
    /// plan's `hostileRate` draws it, else nil. Seeded by the fault generator, so reproducible.
    func hostileJSON(_ bytes: [UInt8]) -> [UInt8]? {
        guard faultRandom.chance(faults.hostileRate) else { return nil }
        var mutator = MessageMutator(seed: faultRandom.next())
        return mutator.mutate(json: bytes).bytes
    }

    /// A damaged copy of an outgoing binary frame when `hostileRate` draws it, else nil.
    func hostileBinary(_ bytes: [UInt8]) -> [UInt8]? {
        guard faultRandom.chance(faults.hostileRate) else { return nil }
        var mutator = MessageMutator(seed: faultRandom.next())
        return mutator.mutate(binary: bytes).bytes
    }

    /// True when `/view` should stream without end (`FaultPlan.endlessDownloads`).
    var streamsDownloadsForever: Bool { faults.endlessDownloads }
}

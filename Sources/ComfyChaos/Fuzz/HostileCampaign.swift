import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Logging

/// Runs `HostileServerProbe` against an emulator in hostile mode: every HTTP body and WebSocket frame
/// it sends is damaged with probability `rate` by a seeded `MessageMutator`.
public enum HostileCampaign {
    /// Starts a hostile emulator, makes `requests` route calls and `prompts` prompt runs through a real
    /// client, stops the emulator, and reports how each call ended.
    /// - Throws: `CampaignError.setup` when the emulator cannot start.
    public static func run(requests: Int, prompts: Int, rate: Double = 0.5, seed: UInt64) async throws(CampaignError) -> HostileServerProbe.Report {
        let emulator = ComfyEmulator(configuration: EmulatorConfiguration(timing: .instant, faults: FaultPlan(seed: seed, hostileRate: rate)),
                                     logger: Logger(label: "ComfyChaos", factory: { _ in SwiftLogNoOpLogHandler() }))
        do { try await emulator.start() } catch { throw .setup("hostile emulator did not start: \(error)") }
        let workflow: Workflow
        do { workflow = try Workflow(json: ChaosProject.workflow(steps: 2, batchSize: 1)) } catch {
            await emulator.stop()
            throw .setup("chaos workflow: \(error)")
        }
        let report: HostileServerProbe.Report
        do {
            report = try await HostileServerProbe(baseURL: await emulator.baseURL, workflow: workflow).run(requests: requests, prompts: prompts)
        } catch {
            await emulator.stop()
            throw .setup("hostile probe client: \(error)")
        }
        await emulator.stop()
        return report
    }
}

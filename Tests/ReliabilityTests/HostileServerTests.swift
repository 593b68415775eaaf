import ComfyAPI
import ComfyChaos
import ComfyEmulator
import ComfyWorkflow
import Foundation
import StoryCore
import Testing

/// The emulator's hostile mode damages a share of everything it sends; the client and the renderer
/// must end every call with a value or a typed error, never crash, never hang, never write outside.
@Suite("A hostile server gets typed errors, never a crash or a hang")
struct HostileServerTests {
    @Test func everyCallToAHostileServerEndsTypedAndInTime() async throws {
        let root = try Fixtures.scratch("hostile")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 2)
        let configuration = EmulatorConfiguration(timing: .instant, faults: FaultPlan(seed: 77, hostileRate: 0.5))
        let report = try await Emulators.with(count: 1, configuration: configuration) { emulators in
            try await HangGuard.run(within: .seconds(90)) {
                try await HostileServerProbe(baseURL: await emulators[0].baseURL, workflow: try Workflow(contentsOf: project.workflowFile))
                    .run(requests: 400, prompts: 6)
            }
        }
        #expect(report.requests == 406)
        #expect(report.succeeded > 0, "\(report)")
        #expect(report.typedErrors > 0, "\(report)")
        #expect(report.succeeded + report.typedErrors == report.requests)
    }

    @Test func aRenderAgainstAHostileServerEndsAndWritesOnlyInsideOutputs() async throws {
        let root = try Fixtures.scratch("hostile-render")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 4)
        let configuration = EmulatorConfiguration(timing: .instant, faults: FaultPlan(seed: 5, hostileRate: 0.15))
        let before = OutputSafetyTests.listing(root)
        try await Emulators.with(count: 1, configuration: configuration) { emulators in
            var options = await Emulators.options(emulators, workflow: project.workflowFile)
            options.maxTransportRetries = 2
            options.allServersDownTimeout = .seconds(3)
            let loaded = try Project.load(from: project.directory)
            let outcome = try await HangGuard.run(within: .seconds(120)) { [options] () async -> String in
                do {
                    let summary = try await Renderer(project: loaded, options: options).run()
                    return "rendered \(summary.rendered), failed \(summary.failures.count)"
                } catch {
                    return "stopped: \(error)"
                }
            }
            #expect(!outcome.isEmpty)
        }
        // Besides outputs/ and project.json, only the hand-off to StoryCore (fixed names, never the server's).
        let handOff = #/project/assets(/images(/(panels|grids)(/(panel_\d\d|grid_\d+x\d+)\.(ppm|png))?)?)?/#
        let added = OutputSafetyTests.listing(root).subtracting(before).filter {
            !$0.hasPrefix("project/outputs") && !$0.hasPrefix("project/project.json") && (try? handOff.wholeMatch(in: $0)) == nil
        }
        #expect(added.isEmpty, "\(added)")
    }

    @Test func anEndlessDownloadFromTheEmulatorIsCutOffAtTheOutputLimit() async throws {
        let root = try Fixtures.scratch("endless-view")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 1)
        let configuration = EmulatorConfiguration(timing: .instant, faults: FaultPlan(endlessDownloads: true))
        try await Emulators.with(count: 1, configuration: configuration) { emulators in
            var options = await Emulators.options(emulators, workflow: project.workflowFile)
            options.maxFileBytes = 4 << 20
            let summary = try await HangGuard.run(within: .seconds(60)) { [options] in
                try await Renderer(project: try Project.load(from: project.directory), options: options).run()
            }
            let failure = try #require(summary.failures["panel_01"])
            #expect(failure.message.contains("limit"), "\(failure)")
        }
        let left = (try? FileManager.default.contentsOfDirectory(atPath: project.directory.appendingPathComponent("outputs/panel_01").path)) ?? []
        #expect(left.isEmpty, "\(left)")
    }
}

import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

@Suite("Several servers: failover, rejoin and routing by measured speed")
struct ServerPoolTests {
    @Test func aServerStoppedMidRunLosesItsJobsToTheOther() async throws {
        let timing = TimingModel(modelLoad: .zero, perStep: .milliseconds(5), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: timing), EmulatorConfiguration(timing: timing)]) { emulators in
            let dir = try TestSupport.demoCopy()
            let urls = [await emulators[0].baseURL, await emulators[1].baseURL]
            let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options(urls))
            async let summary = renderer.run()
            var events: [RenderEvent] = []
            var stopped = false
            let victim = try await EmulatorSupport.withClient(urls[1]) { $0.server }
            for await event in renderer.events {
                events.append(event)
                if !stopped, case .started(_, _, let server) = event, server == victim {
                    stopped = true
                    await emulators[1].stop()
                }
            }
            let result = try await summary
            #expect(stopped)
            #expect(result.succeeded, "\(result.failures)")
            #expect(events.contains { if case .serverDown(let s, _) = $0 { return s == victim } else { return false } })
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 9)
            let successes = try await EmulatorSupport.successfulRenders(on: emulators[0])
            #expect(successes.values.allSatisfy { $0 == 1 })
        }
    }

    @Test func aServerThatComesBackRejoinsTheRun() async throws {
        let slow = TimingModel(modelLoad: .zero, perStep: .milliseconds(20), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: slow), EmulatorConfiguration(timing: slow)]) { emulators in
            let dir = try TestSupport.demoCopy()
            let urls = [await emulators[0].baseURL, await emulators[1].baseURL]
            let port = await emulators[1].port
            let victim = try await EmulatorSupport.withClient(urls[1]) { $0.server }
            let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options(urls))
            async let summary = renderer.run()
            var replacement: ComfyEmulator?
            var wentDown = false
            var cameBack = false
            for await event in renderer.events {
                switch event {
                case .started(_, _, let server) where server == victim && replacement == nil:
                    await emulators[1].stop()
                    let again = ComfyEmulator(configuration: EmulatorConfiguration(port: port, timing: .instant))
                    replacement = again
                case .serverDown(let server, _) where server == victim:
                    wentDown = true
                    // Hold the surviving server's replies back until the victim is up again, so work is
                    // left for it however fast or loaded the machine is (no race with the run's end).
                    await emulators[0].setFaults(FaultPlan(slowReplyRate: 1, slowReplyDelay: .seconds(1)))
                    if let again = replacement { try await again.start() }
                case .serverUp(let server) where server == victim && wentDown:
                    cameBack = true
                    await emulators[0].setFaults(.none)
                default:
                    break
                }
            }
            let result = try await summary
            let rejoinedJobs = await replacement?.executedPromptCount ?? 0
            await replacement?.stop()
            #expect(result.succeeded, "\(result.failures)")
            #expect(wentDown && cameBack)
            #expect(rejoinedJobs > 0, "the rejoined server took no job")
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: try EmulatorSupport.manifest(dir)) == 9)
        }
    }

    @Test func aRestartedServerThatLostItsQueueGetsThePromptsAgain() async throws {
        let timing = TimingModel(modelLoad: .zero, perStep: .milliseconds(5), perNode: .milliseconds(1))
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: timing)) { emulator in
            let dir = try TestSupport.demoCopy()
            let renderer = Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options([await emulator.baseURL]))
            async let summary = renderer.run()
            var restarted = false
            var completed = 0
            for await event in renderer.events {
                if case .completed = event { completed += 1 }
                if !restarted, completed == 3 {
                    restarted = true
                    await emulator.restart(keepHistory: false)
                }
            }
            let result = try await summary
            #expect(restarted)
            #expect(result.succeeded, "\(result.failures)")
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: try EmulatorSupport.manifest(dir)) == 9)
        }
    }

    @Test func theFasterServerReceivesMoreJobs() async throws {
        let fast = TimingModel(modelLoad: .zero, perStep: .milliseconds(1), perNode: .zero)
        // The gap is wide on purpose (4 s a job against about 20 ms): a loaded machine adds the same
        // overhead to both servers' jobs, and must not close it.
        let slow = TimingModel(modelLoad: .zero, perStep: .milliseconds(200), perNode: .zero)
        try await EmulatorSupport.withEmulators([EmulatorConfiguration(timing: slow), EmulatorConfiguration(timing: fast)]) { emulators in
            let dir = try TestSupport.demoCopy()
            let urls = [await emulators[0].baseURL, await emulators[1].baseURL]
            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options(urls)))
            #expect(summary.succeeded)
            let slowCount = await emulators[0].executedPromptCount
            let fastCount = await emulators[1].executedPromptCount
            #expect(slowCount + fastCount == 9)
            #expect(fastCount > slowCount, "fast \(fastCount), slow \(slowCount)")
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(manifest["servers"]?.arrayValue?.count == 2)
        }
    }

    @Test func poolRoutesByExpectedWaitAndCapacity() async throws {
        try await EmulatorSupport.withClient(URL(string: "http://127.0.0.1:9")!) { a in
        try await EmulatorSupport.withClient(URL(string: "http://127.0.0.1:10")!) { b in
            let pool = ServerPool(servers: [
                .init(index: 0, url: "a", client: a, isUp: true),
                .init(index: 1, url: "b", client: b, isUp: true),
            ], maxInFlight: 2)
            let first = try #require(await pool.acquire())
            let second = try #require(await pool.acquire())
            #expect(first.url != second.url)
            await pool.release(first, jobSeconds: first.url == "a" ? 10 : 1)
            await pool.release(second, jobSeconds: second.url == "a" ? 10 : 1)
            let routed = try #require(await pool.acquire())
            #expect(routed.url == "b")
            let again = try #require(await pool.acquire())
            #expect(again.url == "b")
            #expect(await pool.acquire() == nil, "b is full and a is expected to take longer than waiting for b")
            await pool.markDown(1, reason: "gone")
            let fallback = try #require(await pool.acquire())
            #expect(fallback.url == "a")
            #expect(await pool.acquire(preferred: "b")?.url == "a")
            await pool.markDown(0, reason: "gone")
            #expect(await pool.acquire() == nil)
            #expect(await pool.allDownDuration() != nil)
        }
        }
    }

    @Test func aServerWithShortJobsIsGivenMoreInFlight() async throws {
        try await EmulatorSupport.withClient(URL(string: "http://127.0.0.1:9")!) { a in
            let pool = ServerPool(servers: [.init(index: 0, url: "a", client: a, isUp: true)], maxInFlight: 2)
            #expect(await pool.capacity(0) == 2, "nothing measured yet")
            var leases = [try #require(await pool.acquire()), try #require(await pool.acquire())]
            #expect(await pool.acquire() == nil)
            await pool.release(leases.removeLast(), jobSeconds: 0.002)
            #expect(await pool.capacity(0) == ServerPool.shortJobInFlight)
            for _ in 1..<ServerPool.shortJobInFlight { leases.append(try #require(await pool.acquire())) }
            #expect(await pool.acquire() == nil, "capped at \(ServerPool.shortJobInFlight)")
            for lease in leases { await pool.release(lease, jobSeconds: 2) }
            #expect(await pool.capacity(0) == 2, "long jobs again: back to maxInFlight")
        }
    }
}

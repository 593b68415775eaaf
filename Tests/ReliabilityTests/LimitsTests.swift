import ComfyAPI
import ComfyChaos
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
import StoryCore

/// Configurable ceilings on what a server can make the client read: output files, JSON bodies, and
/// a body that never ends.
@Suite("Output size, JSON body size and endless streams are bounded")
struct LimitsTests {
    @Test func anOutputOverTheConfiguredMaximumFailsThePanelAndLeavesNoFile() async throws {
        let root = try Fixtures.scratch("max-output")
        defer { try? FileManager.default.removeItem(at: root) }
        let project = try ChaosProject.create(in: root.appendingPathComponent("project"), panels: 2)
        try await Emulators.with(count: 1) { emulators in
            var options = await Emulators.options(emulators, workflow: project.workflowFile)
            options.maxFileBytes = 512
            let summary = try await Renderer(project: try Project.load(from: project.directory), options: options).run()
            #expect(summary.failures.count == 2)
            let failure = try #require(summary.failures["panel_01"])
            #expect(failure.description.contains("512"), "\(failure)")
        }
        for panel in project.panelIDs {
            let folder = project.directory.appendingPathComponent("outputs/\(panel)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
            #expect(left.isEmpty, "\(panel) kept \(left)")
        }
    }

    @Test func aJSONReplyOverTheConfiguredMaximumIsRefusedWithTheLimitNamed() async throws {
        try await Emulators.with(count: 1) { emulators in
            let client = try ComfyClient(configuration: .init(baseURL: await emulators[0].baseURL, maxResponseBytes: 4096))
            do throws(ComfyError) {
                _ = try await client.objectInfo()
                Issue.record("a /object_info reply over 4096 bytes was accepted")
            } catch {
                guard case .responseTooLarge(let route, let limit) = error else { Issue.record("unexpected \(error)"); await client.shutdown(); return }
                #expect(route.contains("/object_info") && limit == 4096)
            }
            await client.shutdown()
        }
    }

    @Test func aServerStreamingJSONForeverIsCutOffAtTheLimit() async throws {
        let server = try await EndlessServer.start(contentType: "application/json", chunk: Array("[1,2,3,".utf8) + Array(repeating: 0x20, count: 8192))
        // Cut off at the limit, not at the request timeout: that would end it with a timeout error instead.
        let client = try ComfyClient(configuration: .init(baseURL: server.baseURL, requestTimeout: .seconds(120),
                                                          retry: .never, maxResponseBytes: 1 << 20))
        await #expect(throws: ComfyError.responseTooLarge(route: "GET /queue", limit: 1 << 20)) { _ = try await client.queue() }
        await client.shutdown()
        await server.stop()
    }

    @Test func aDownloadStreamingForeverIsCutOffAndLeavesNoPartialFile() async throws {
        let server = try await EndlessServer.start(contentType: "image/png", chunk: Array(repeating: 0x89, count: 16_384))
        let client = try ComfyClient(configuration: .init(baseURL: server.baseURL, readTimeout: .seconds(120), retry: .never))
        let root = try Fixtures.scratch("endless")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = OutputStore(projectDirectory: root, maxFileBytes: 2 << 20)
        do throws(OutputError) {
            _ = try await store.store(OutputFile(nodeID: "9", filename: "endless.png"), panelID: "panel_01", from: client)
            Issue.record("an endless download was stored")
        } catch {
            #expect(error.description.contains("panel_01"), "\(error)")
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("outputs/panel_01").path)
        #expect(left.isEmpty, "left behind: \(left)")
        await client.shutdown()
        await server.stop()
    }
}

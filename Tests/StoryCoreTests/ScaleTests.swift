import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

/// What keeps large projects and large pools linear: the dispatch queue, the plan check per catalogue,
/// the summary's failure lookup and the ledger's paged reads.
@Suite("Large projects and pools")
struct ScaleTests {
    private func item(_ id: String) throws -> WorkItem {
        let project = try Project.load(from: TestSupport.demoProject)
        let plan = try RenderPlan(project: project, template: try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow),
                                  options: EmulatorSupport.options([]))
        var job = try #require(plan.jobs.first)
        job.version = 1
        var item = WorkItem(job: job, preferredServer: nil, adopt: [])
        item.lastReason = id
        return item
    }

    @Test func theWorkQueueHandsOutItemsInOrderAndTakesRequeuedOnesFirst() throws {
        let template = try item("template")
        var queue = WorkQueue((0..<3000).map { index in
            var next = template
            next.lastReason = "\(index)"
            return next
        })
        var taken: [String] = []
        while let first = queue.first {
            let item = queue.removeFirst()
            #expect(item.lastReason == first.lastReason)
            taken.append(item.lastReason ?? "")
            if taken.count == 1500 {
                var back = item
                back.lastReason = "again"
                queue.insert(back, at: 0)
                #expect(queue.first?.lastReason == "again")
                #expect(queue.count == 1501)
            }
        }
        #expect(taken.count == 3001)
        #expect(Array(taken.prefix(1500)) == (0..<1500).map(String.init))
        #expect(taken[1500] == "again")
        #expect(Array(taken.suffix(1500)) == (1500..<3000).map(String.init))
        #expect(queue.isEmpty)
        queue += [template, template]
        #expect(queue.count == 2 && Array(queue).count == 2)
        queue.removeAll()
        #expect(queue.isEmpty && queue.first == nil)
    }

    @Test func thePlanIsCheckedOncePerCatalogueAndEveryServerGetsItsOwnProblems() async throws {
        try await EmulatorSupport.withEmulator(EmulatorConfiguration(timing: .instant)) { emulator in
            let objectInfo = try await EmulatorSupport.withClient(await emulator.baseURL) { try await $0.objectInfo() }
            let catalog = try NodeCatalog(objectInfo: objectInfo)
            var template = try Workflow(contentsOf: EmulatorSupport.sdxlWorkflow)
            var loader = try #require(template["4"])
            loader[input: "ckpt_name"] = .literal("no_such_model.safetensors")
            template["4"] = loader
            let plan = try RenderPlan(project: try Project.load(from: TestSupport.demoProject), template: template, options: EmulatorSupport.options([]))
            var cache = PlanCheckCache()
            for server in ["http://a:8188", "http://b:8188", "http://c:8188"] {
                let cached = cache.problems(of: plan, against: catalog, server: server, rules: nil)
                #expect(cached == plan.problems(against: catalog, server: server, rules: nil))
                #expect(cached.count == 9 && cached.allSatisfy { $0.server == server })
            }
            #expect(cache.checks == 1)
            _ = cache.problems(of: plan, against: catalog, server: "http://d:8188",
                               rules: LowVRAMRules(vramTotal: 4 << 30))
            #expect(cache.checks == 2)
        }
    }

    @Test func theLedgerReportsFailuresAndCountsWithoutLoadingEveryPanel() async throws {
        let folder = try TestSupport.scratch("scale-ledger")
        defer { try? FileManager.default.removeItem(at: folder) }
        let ledger = try Ledger(outputsDirectory: folder)
        _ = try await ledger.beginRun(projectID: "p", fresh: true)
        let records = (0..<600).map { index in
            PanelRecord(panelID: String(format: "panel_%04d", index), position: index, shotID: nil, fingerprint: "f\(index)",
                        prompt: "p", negativePrompt: nil, seed: UInt64(index), width: 64, height: 64, batchSize: 1)
        }
        try await ledger.plan(records)
        let failure = RenderFailure(kind: .transport, message: "gone", suggestion: nil)
        try await ledger.fail("panel_0007", failure: failure)
        try await ledger.fail("panel_0500", failure: failure)
        let all = Set(records.map(\.panelID))
        #expect(try await ledger.failures(among: all).keys.sorted() == ["panel_0007", "panel_0500"])
        #expect(try await ledger.failures(among: all.subtracting(["panel_0500"])).keys.sorted() == ["panel_0007"])
        #expect(try await ledger.failures(among: all)["panel_0007"]?.message == "gone")
        #expect(try await ledger.panelCounts() == [.planned: 598, .failed: 2])

        var pages: [Int] = []
        var seen: [String] = []
        try ledger.forEachPanel(pageSize: 256) { page in
            pages.append(page.count)
            seen += page.map(\.panelID)
        }
        #expect(pages == [256, 256, 88])
        #expect(seen == records.map(\.panelID))
        #expect(try await ledger.panels().map(\.panelID) == seen)
        #expect(try ledger.panelsConcurrently() == (try await ledger.panels()))
    }

    @Test func aPanelListedTwiceInTheProjectIsStillRefused() throws {
        let dir = try TestSupport.demoCopy()
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("project.json")
        let document = try JSONValue.parse(Data(contentsOf: url))
        guard case .array(var panels)? = document["asset_manifest"]?["panels"] else { Issue.record("demo has no panel list"); return }
        panels.append(panels[0])
        try Data(document.setting(["asset_manifest", "panels"], to: .array(panels)).serialized(.pretty)).write(to: url)
        #expect {
            _ = try Project.load(from: dir)
        } throws: { error in
            guard case ProjectError.duplicateID(let file, _, let id) = error else { return false }
            return file == "project.json" && id == "panel_01"
        }
    }
}

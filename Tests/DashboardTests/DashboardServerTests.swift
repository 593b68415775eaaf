import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import StoryCore
import Testing
@testable import StoryCoreDashboard

/// The dashboard's routes and event feed over real loopback sockets, against the emulator.
@Suite(.timeLimit(.minutes(5))) struct DashboardServerTests {
    static func isRunFinished(_ message: JSONValue) -> Bool { message.eventName == "run_finished" }

    @Test func betweenRendersTheSnapshotShowsTheLedgersStateAndServesTheImages() async throws {
        try await DashboardTestSupport.withDashboard(prepare: { project, server in
            let summary = try await DashboardTestSupport.renderOnce(project, server: server)
            #expect(summary.succeeded)
        }) { dashboard in
            let snapshot = try await dashboard.snapshot()
            #expect(snapshot["run"]?["state"] == "idle")
            #expect(snapshot["run"]?["done"] == 9)
            #expect(snapshot["run"]?["counts"]?["completed"] == 9)
            let panel = try #require(Dashboard.panel("panel_01", in: snapshot))
            #expect(panel["status"] == "completed")
            let url = try #require(panel["versions"]?[0]?["files"]?[0]?["url"]?.stringValue)
            let image = try await dashboard.request(.GET, url)
            #expect(image.status == 200)
            #expect(image.header("content-type") == "image/png")
            #expect(image.body.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            let page = try await dashboard.request(.GET, "/")
            #expect(page.status == 200)
            #expect(page.header("content-type")?.hasPrefix("text/html") == true)
            let script = try await dashboard.request(.GET, "/assets/app.js")
            #expect(script.status == 200)
            #expect(script.header("cache-control") == "no-cache")
        }
    }

    @Test func theFeedSendsASnapshotThenEveryEventInOrderWithPanelAndRun() async throws {
        try await DashboardTestSupport.withDashboard { dashboard in
            let socket = await FeedSocket.connect(port: dashboard.port)
            let firstMessage = await socket.next()
            let why = await socket.failure ?? "no failure"
            let first = try #require(firstMessage, "\(why)")
            #expect(first.feedType == "snapshot")
            #expect(first["snapshot"]?["run"]?["state"] == "idle")
            #expect(first["snapshot"]?["panels"]?.arrayValue?.count == 9)
            let started = try await dashboard.action("start")
            #expect(started.status == 202)
            #expect(started.json?["ok"] == true)
            let messages = await socket.collect(until: Self.isRunFinished)
            let events = messages.filter { $0.feedType == "event" }
            let names = events.compactMap(\.eventName)
            #expect(names.first == "run_started")
            #expect(names.last == "run_finished")
            #expect(names.filter { $0 == "completed" }.count == 9)
            for panelID in (1...9).map({ String(format: "panel_%02d", $0) }) {
                let mine = events.filter { $0["event"]?["panel_id"]?.stringValue == panelID }.compactMap(\.eventName)
                let queued = try #require(mine.firstIndex(of: "queued"), "\(panelID) queued")
                let completed = try #require(mine.firstIndex(of: "completed"), "\(panelID) completed")
                #expect(queued < completed)
            }
            let lastCompleted = try #require(events.last { $0.eventName == "completed" })
            #expect(lastCompleted["panel"]?["status"] == "completed")
            #expect(lastCompleted["run"]?["state"] == "rendering")
            #expect(events.last?["run"]?["state"] == "idle")
            // The event is exactly what `render --json` prints.
            #expect(lastCompleted["event"]?["files"]?.arrayValue?.isEmpty == false)
            let after = try #require(await socket.collect { $0.feedType == "snapshot" }.last)
            #expect(after.feedType == "snapshot", "the end of a run brings every viewer the ledger's state")
            #expect(after["snapshot"]?["run"]?["done"] == 9)
            // A reconnecting viewer gets the same state as a fresh snapshot.
            let again = await FeedSocket.connect(port: dashboard.port)
            let resumed = try #require(await again.next())
            #expect(resumed["snapshot"]?["run"]?["done"] == 9)
            #expect(resumed["snapshot"]?["panels"] == (try await dashboard.snapshot())["panels"])
            await again.close()
            await socket.close()
        }
    }

    @Test func aViewerThatStopsReadingIsResyncedAndItsQueueStaysBounded() async throws {
        try await DashboardTestSupport.withDashboard(viewerQueueCapacity: 32) { dashboard in
            let stalled = await FeedSocket.connect(port: dashboard.port, paused: true)
            let hub = dashboard.controller.hub
            let connected = ContinuousClock.now
            while await hub.viewerCount < 1 {
                let why = await stalled.failure ?? ""
                try #require(ContinuousClock.now - connected < .seconds(60), "the stalled viewer never connected: \(why)")
                try await Task.sleep(for: .milliseconds(10))
            }
            // Far more than the kernel's socket buffers hold: the server's writes block, the queue fills.
            await hub.apply(.runStarted(runID: "r", resumed: false, panels: 9, servers: []))
            let padding = String(repeating: "x", count: 2_000)
            var step = 0
            while await hub.resyncCount == 0 {
                step += 1
                await hub.apply(.progress(panelID: "panel_01", promptID: padding, node: "3", step: step, total: 1_000_000))
                #expect(await hub.queuedCounts.allSatisfy { $0 <= 32 })
                if step > 200_000 { break }
            }
            #expect(await hub.resyncCount >= 1)
            await stalled.resume()
            var sawLateSnapshot = false
            var count = 0
            while let message = await stalled.next() {
                count += 1
                if count > 1, message.feedType == "snapshot" {
                    sawLateSnapshot = true
                    #expect(message["snapshot"]?["panels"]?[0]?["step"]?.intValue == step)
                    break
                }
            }
            #expect(sawLateSnapshot, "the stalled viewer is sent a fresh snapshot when it reads again")
            await stalled.close()
        }
    }

    @Test func requestsFromAnotherOriginAreRefused() async throws {
        try await DashboardTestSupport.withDashboard { dashboard in
            let post = try await dashboard.request(.POST, "/api/actions/start", body: "{}", headers: [("Origin", "http://evil.example")])
            #expect(post.status == 403)
            #expect(post.json?["error"]?.stringValue?.isEmpty == false)
            #expect(await dashboard.controller.isRendering == false)
            // A WebSocket upgrade from another origin is never upgraded (HummingbirdWebSocket answers a refused
            // upgrade with its own 400, see dashboard-api.md).
            let refused = await FeedSocket.connect(port: dashboard.port, headers: [("Origin", "http://evil.example")])
            #expect(await refused.next() == nil)
            #expect(await refused.failure?.contains("upgrade") == true)
            #expect(await dashboard.controller.hub.viewerCount == 0)
            let own = await FeedSocket.connect(port: dashboard.port, headers: [("Origin", dashboard.origin)])
            #expect(await own.next()?.feedType == "snapshot")
            await own.close()
            let sameOrigin = try await dashboard.request(.POST, "/api/actions/stop", body: "{}", headers: [("Origin", dashboard.origin)])
            #expect(sameOrigin.status == 409, "same origin is let through (and stop when idle is a conflict)")
        }
    }

    @Test func withATokenEveryRouteNeedsItAndTheTokenLinkSetsACookie() async throws {
        try await DashboardTestSupport.withDashboard(token: "t0ken-42") { dashboard in
            for path in ["/", "/api/snapshot", "/assets/app.js", "/api/files/panel_01/1/0"] {
                let refused = try await dashboard.request(.GET, path)
                #expect(refused.status == 401, "\(path)")
                #expect(!refused.text.contains("t0ken-42"))
            }
            #expect(try await dashboard.request(.POST, "/api/actions/start", body: "{}").status == 401)
            #expect(try await dashboard.request(.GET, "/api/snapshot", headers: [("Authorization", "Bearer wrong")]).status == 401)
            let refusedSocket = await FeedSocket.connect(port: dashboard.port)
            #expect(await refusedSocket.next() == nil)
            let bearer = try await dashboard.request(.GET, "/api/snapshot", headers: [("Authorization", "Bearer t0ken-42")])
            #expect(bearer.status == 200)
            let link = try await dashboard.request(.GET, "/?token=t0ken-42")
            #expect(link.status == 303)
            #expect(link.header("location") == "/")
            let cookie = try #require(link.header("set-cookie"))
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"))
            let pair = String(cookie.split(separator: ";")[0])
            #expect(try await dashboard.request(.GET, "/", headers: [("Cookie", pair)]).status == 200)
            #expect(try await dashboard.request(.GET, "/?token=nope").status == 401)
            let socket = await FeedSocket.connect(port: dashboard.port, headers: [("Cookie", pair)])
            #expect(await socket.next()?.feedType == "snapshot")
            await socket.close()
        }
    }

    @Test func imageRoutesServeOnlyWhatTheLedgerListsNeverAPathFromTheRequest() async throws {
        try await DashboardTestSupport.withDashboard(prepare: { project, server in
            _ = try await DashboardTestSupport.renderOnce(project, server: server)
            try Data("SECRET".utf8).write(to: project.appendingPathComponent("secret.txt"))
        }) { dashboard in
            let attempts = [
                "/api/files/..%2F..%2Fsecret.txt/1/0", "/api/files/../../secret.txt", "/api/files/panel_01/1/..%2F..%2Fsecret.txt",
                "/api/files/panel_01/0/0", "/api/files/panel_01/2/0", "/api/files/panel_01/1/1", "/api/files/panel_01/1/-1",
                "/api/files/panel_01/x/0", "/api/files/%2E%2E/1/0", "/api/files/secret.txt/1/0", "/api/files/panel_01",
                "/api/previews/..%2Fsecret.txt", "/api/previews/panel_01", "/assets/..%2F..%2Fsecret.txt", "/secret.txt",
                "/api/files/panel_01/1/0/../../../secret.txt",
            ]
            for path in attempts {
                let result = try await dashboard.request(.GET, path)
                #expect(result.status == 404, "\(path)")
                #expect(result.json?["error"]?.stringValue != nil, "\(path) answers a JSON error")
                #expect(!result.text.contains("SECRET"), "\(path)")
            }
            #expect(try await dashboard.request(.GET, "/api/files/panel_01/1/0").status == 200)
        }
    }

    @Test func badActionRequestsGetA4xxJSONErrorAndChangeNothing() async throws {
        try await DashboardTestSupport.withDashboard { dashboard in
            let cases: [(String, String, String?, Int)] = [
                ("redo", "not json", "application/json", 400),
                ("redo", "[1,2]", "application/json", 400),
                ("redo", "{}", "application/json", 400),
                ("redo", #"{"panel_id":"panel_99"}"#, "application/json", 400),
                ("redo", #"{"panel_id":"panel_01","seed":-4}"#, "application/json", 400),
                ("redo", #"{"panel_id":"panel_01","prompt":7}"#, "application/json", 400),
                ("approve", #"{"panel_id":"panel_01"}"#, "application/json", 409),
                ("approve", #"{"panel_id":"panel_01","version":0}"#, "application/json", 400),
                ("approve", #"{"panel_id":"nope"}"#, "application/json", 400),
                ("start", "{}", "text/plain", 415),
                ("stop", "{}", "application/json", 409),
                ("explode", "{}", "application/json", 404),
                ("start", String(repeating: " ", count: 70_000) + "{}", "application/json", 413),
            ]
            for (action, body, contentType, status) in cases {
                let result = try await dashboard.request(.POST, "/api/actions/\(action)", body: body, contentType: contentType)
                #expect(result.status == status, "\(action) \(body.prefix(40))")
                #expect(result.json?["error"]?.stringValue?.isEmpty == false, "\(action) \(body.prefix(40))")
            }
            #expect(await dashboard.controller.isRendering == false)
            #expect(try await dashboard.request(.GET, "/api/nothing").status == 404)
            #expect(try await dashboard.request(.GET, "/api/events").status == 400)
        }
    }

    @Test func approveAndRejectAreRecordedInTheLedgerAndTheManifest() async throws {
        try await DashboardTestSupport.withDashboard(prepare: { project, server in
            _ = try await DashboardTestSupport.renderOnce(project, server: server)
        }) { dashboard in
            let approved = try await dashboard.action("approve", #"{"panel_id":"panel_03"}"#)
            #expect(approved.status == 200)
            #expect(approved.json?["review"]?["verdict"] == "approved")
            let manifest = try DashboardTestSupport.manifest(dashboard.project)
            let entry = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_03" })
            #expect(entry["review"]?["verdict"] == "approved")
            #expect(entry["review"]?["version"] == 1)
            #expect(entry["review"]?["at"]?.stringValue?.hasSuffix("Z") == true)
            let other = try #require(manifest["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_04" })
            #expect(other["review"] == .null)
            #expect(Dashboard.panel("panel_03", in: try await dashboard.snapshot())?["review"]?["verdict"] == "approved")
            let rejected = try await dashboard.action("reject", #"{"panel_id":"panel_03","version":1}"#)
            #expect(rejected.status == 200)
            let ledger = try Ledger(outputsDirectory: dashboard.project.appendingPathComponent("outputs"))
            #expect(try await ledger.review("panel_03")?.verdict == .rejected)
            let after = try DashboardTestSupport.manifest(dashboard.project)
            #expect(after["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_03" }?["review"]?["verdict"] == "rejected")
        }
    }

    @Test func redoWithANewSeedMakesVersionTwoAndKeepsVersionOne() async throws {
        try await DashboardTestSupport.withDashboard(prepare: { project, server in
            _ = try await DashboardTestSupport.renderOnce(project, server: server)
        }) { dashboard in
            let socket = await FeedSocket.connect(port: dashboard.port)
            _ = await socket.next()
            let redo = try await dashboard.action("redo", #"{"panel_id":"panel_02","seed":123456}"#)
            #expect(redo.status == 202)
            let conflict = try await dashboard.action("start")
            #expect(conflict.status == 409 || conflict.status == 202, "start while a redo runs is refused (or the redo already ended)")
            let messages = await socket.collect(until: Self.isRunFinished)
            #expect(messages.contains { $0.feedType == "notice" && $0["notice"]?["text"]?.stringValue == "panel_02 redone as version 2" })
            await dashboard.controller.waitUntilIdle()
            let panel = try #require(Dashboard.panel("panel_02", in: try await dashboard.snapshot()))
            #expect(panel["version"] == 2)
            #expect(panel["seed"] == 123456)
            #expect(panel["status"] == "completed")
            #expect(panel["versions"]?.arrayValue?.map { $0["version"] } == [1, 2])
            for version in [1, 2] {
                let file = try await dashboard.request(.GET, "/api/files/panel_02/\(version)/0")
                #expect(file.status == 200, "version \(version)")
            }
            let entry = try DashboardTestSupport.manifest(dashboard.project)["panels"]?.arrayValue?.first { $0["panel_id"] == "panel_02" }
            #expect(entry?["version"] == 2)
            await socket.close()
        }
    }

    @Test func stopInterruptsTheRunAndStartResumesIt() async throws {
        var slow = EmulatorConfiguration()
        slow.timing = TimingModel(perStep: .milliseconds(40))
        try await DashboardTestSupport.withDashboard(emulator: slow) { dashboard in
            let socket = await FeedSocket.connect(port: dashboard.port)
            _ = await socket.next()
            #expect(try await dashboard.action("start").status == 202)
            _ = await socket.collect { $0.eventName == "completed" }
            let stop = try await dashboard.action("stop")
            #expect(stop.status == 202)
            let stopped = await socket.collect(until: Self.isRunFinished)
            let finished = try #require(stopped.last)
            #expect(finished["event"]?["cancelled"] == true)
            await dashboard.controller.waitUntilIdle()
            let middle = try await dashboard.snapshot()
            #expect(middle["run"]?["state"] == "idle")
            let doneBefore = try #require(middle["run"]?["done"]?.intValue)
            #expect(doneBefore >= 1 && doneBefore < 9)
            #expect(try await dashboard.action("start").status == 202)
            let resumed = await socket.collect(until: Self.isRunFinished)
            let runStarted = try #require(resumed.first { $0.eventName == "run_started" })
            #expect(runStarted["event"]?["resumed"] == true)
            #expect(resumed.filter { $0.eventName == "kept" }.count >= doneBefore)
            #expect(resumed.last?["event"]?["succeeded"] == true)
            await dashboard.controller.waitUntilIdle()
            #expect(try await dashboard.snapshot()["run"]?["done"] == 9)
            await socket.close()
        }
    }

    @Test func samplerPreviewsReachTheFeedThrottledAndTheirImageIsServed() async throws {
        var slow = EmulatorConfiguration()
        slow.timing = TimingModel(perStep: .milliseconds(40))
        try await DashboardTestSupport.withDashboard(emulator: slow, previews: .latent2rgb) { dashboard in
            let socket = await FeedSocket.connect(port: dashboard.port)
            _ = await socket.next()
            #expect(try await dashboard.action("start").status == 202)
            let first = try #require(await socket.collect { $0.feedType == "preview" }.last)
            #expect(first.feedType == "preview")
            let url = try #require(first["url"]?.stringValue)
            #expect(url.hasPrefix("/api/previews/\(first["panel_id"]?.stringValue ?? "?")?seq="))
            let image = try await dashboard.request(.GET, url)
            #expect(image.status == 200)
            #expect(image.header("content-type")?.hasPrefix("image/") == true)
            #expect(!image.body.isEmpty)
            let rest = await socket.collect(until: Self.isRunFinished)
            #expect(!rest.contains { $0.eventName == "preview" }, "previews are announced as preview messages, not forwarded as events")
            #expect(try await dashboard.snapshot()["panels"]?.arrayValue?.allSatisfy { $0["preview_url"] == .null } == true,
                    "a finished run holds no previews")
            await socket.close()
        }
    }
}

import ComfyWorkflow
import Foundation
import StoryCore
import Testing
@testable import StoryCoreDashboard

/// The page's tiles carry each file's recorded media type, animation flag and frame rate, which the page
/// uses to pick `<video>`, `<audio>` or `<img>`.
@Suite struct DashboardMediaTests {
    @Test func tilesCarryTheRecordedMediaTypeAnimationAndFrameRate() throws {
        let project = try Project.load(from: DashboardTestSupport.repositoryRoot.appendingPathComponent("examples/demo-project"))
        var state = DashboardState(project: project, records: [], servers: ["http://127.0.0.1:8188"])
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        let files = [
            StoredFile(path: "outputs/panel_01/clip_00001.gif", nodeID: "9", bytes: 10, sha256: "ab", mediaType: "image/gif", animated: true, frameRate: 12),
            StoredFile(path: "outputs/panel_01/ComfyUI_00001_.mp4", nodeID: "12", bytes: 10, sha256: "cd", mediaType: "video/mp4", animated: true),
            StoredFile(path: "outputs/panel_01/ComfyUI_00001_.flac", nodeID: "8", bytes: 10, sha256: "ef", mediaType: "audio/flac"),
        ]
        state.apply(.runStarted(runID: "run-1", resumed: false, panels: 9, servers: ["http://127.0.0.1:8188"]), at: t0)
        state.apply(.completed(panelID: "panel_01", files: files, notes: []), at: t0)
        let json = try #require(state.tile("panel_01")?.json["versions"]?[0]?["files"])
        #expect(json[0]?["media_type"] == "image/gif" && json[0]?["animated"] == true && json[0]?["frame_rate"] == 12.0)
        #expect(json[1]?["media_type"] == "video/mp4" && json[1]?["animated"] == true && json[1]?["frame_rate"] == .null)
        #expect(json[2]?["media_type"] == "audio/flac" && json[2]?["animated"] == false)
    }

    @Test func thePageChoosesVideoAudioOrImageByMediaType() throws {
        let script = String(decoding: try #require(DashboardAssets.files["app.js"]).bytes, as: UTF8.self)
        #expect(script.contains(#"type.startsWith("video/") ? "VIDEO" : type.startsWith("audio/") ? "AUDIO" : "IMG""#))
        #expect(script.contains(#"el("audio", { "data-role": "output", src: file.url, controls: true"#))
    }
}

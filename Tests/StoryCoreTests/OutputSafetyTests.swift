import Foundation
import Testing
@testable import StoryCore

@Suite("Server file names and output folders are checked before anything is written")
struct OutputSafetyTests {
    @Test(arguments: [
        "../escape.png", "/etc/passwd", "sub/dir.png", "sub\\dir.png", "..", ".", ".hidden.png", "a..b.png",
        "nul\u{0}byte.png", "bell\u{7}.png", "line\nbreak.png", "tab\t.png", "del\u{7F}.png", "c1\u{85}.png",
        "rtl\u{202E}gnp.exe", String(repeating: "a", count: 256) + ".png", "", "~root.png", "trailing ",
    ])
    func hostileNamesAreRefused(_ name: String) {
        #expect(SafeFileName.problem(with: name) != nil)
        #expect(throws: OutputError.self) { try SafeFileName.validated(name, panelID: "panel_01") }
    }

    @Test(arguments: ["ComfyUI_00001_.png", "panel 01 (final).webp", "été_東京_00002_.png", "a-b_c.d.png", String(repeating: "a", count: 251) + ".png"])
    func ordinaryNamesAreAccepted(_ name: String) throws {
        #expect(SafeFileName.problem(with: name) == nil)
        #expect(try SafeFileName.validated(name, panelID: "panel_01") == name)
    }

    @Test func errorTextEscapesControlCharacters() {
        let error = OutputError.hostileFileName(panelID: "panel_03", name: "a\u{1B}[31mred\n.png", reason: "contains a control character")
        #expect(error.description == "panel panel_03: server file name \"a\\u{1b}[31mred\\u{a}.png\" refused: contains a control character")
    }

    @Test func panelFoldersAreCreatedInsideOutputs() throws {
        let project = try TestSupport.scratch()
        let store = OutputStore(projectDirectory: project)
        let folder = try store.panelDirectory("panel_01")
        #expect(folder.path.hasSuffix("/outputs/panel_01"))
        var isDir: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDir) && isDir.boolValue)
        #expect(throws: OutputError.self) { try store.panelDirectory("../panel") }
        #expect(throws: OutputError.self) { try store.panelDirectory("a/b") }
    }

    @Test func aSymlinkedOutputsFolderIsRefused() throws {
        let project = try TestSupport.scratch()
        let outside = try TestSupport.scratch("outside")
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("outputs"), withDestinationURL: outside)
        let store = OutputStore(projectDirectory: project)
        let error = #expect(throws: OutputError.self) { try store.panelDirectory("panel_01") }
        guard case .unsafeDirectory(_, let reason)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(reason.contains("symbolic link"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside.path).isEmpty)
    }

    @Test func aSymlinkedPanelFolderIsRefused() throws {
        let project = try TestSupport.scratch()
        let outside = try TestSupport.scratch("outside")
        try FileManager.default.createDirectory(at: project.appendingPathComponent("outputs"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: project.appendingPathComponent("outputs/panel_01"), withDestinationURL: outside)
        #expect(throws: OutputError.self) { try OutputStore(projectDirectory: project).panelDirectory("panel_01") }
    }

    @Test func copyToAProjectPathStaysInside() throws {
        let project = try TestSupport.scratch()
        let store = OutputStore(projectDirectory: project)
        let folder = try store.panelDirectory("master_grid")
        try Data("png".utf8).write(to: folder.appendingPathComponent("g.png"))
        let sha = try OutputStore.sha256(of: folder.appendingPathComponent("g.png"))
        let file = StoredFile(path: "outputs/master_grid/g.png", nodeID: "9", bytes: 3, sha256: sha)
        #expect(store.isIntact(file))
        try store.copy(file, toProjectPath: "grids/master.png")
        #expect(try Data(contentsOf: project.appendingPathComponent("grids/master.png")) == Data("png".utf8))
        #expect(throws: OutputError.self) { try store.copy(file, toProjectPath: "../x.png") }
        try Data("PNG".utf8).write(to: folder.appendingPathComponent("g.png"))
        #expect(!store.isIntact(file))
    }

    @Test func sha256MatchesAKnownVector() throws {
        let dir = try TestSupport.scratch()
        let url = dir.appendingPathComponent("abc")
        try Data("abc".utf8).write(to: url)
        #expect(try OutputStore.sha256(of: url) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func collidingNamesGetASuffix() {
        #expect(OutputStore.unique("a.png", avoiding: []) == "a.png")
        #expect(OutputStore.unique("a.png", avoiding: ["a.png", "a-2.png"]) == "a-3.png")
        #expect(OutputStore.unique("noext", avoiding: ["noext"]) == "noext-2")
    }
}

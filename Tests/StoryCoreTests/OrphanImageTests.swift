import ComfyEmulator
import ComfyWorkflow
import Foundation
import Testing
@testable import StoryCore

/// A render killed after renaming an image into `outputs/<panel>/` but before recording it must not
/// leave that image behind unlisted (RELIABILITY.md, bug 5).
@Suite("An image put in place but never recorded is removed by the next run", .timeLimit(.minutes(10)))
struct OrphanImageTests {
    @Test func unrecordedImageOfAKilledRunIsRemoved() async throws {
        try await EmulatorSupport.withEmulator { emulator in
            let dir = try TestSupport.demoCopy()
            let project = try Project.load(from: dir)
            let ledger = try Ledger(outputsDirectory: project.outputsDirectory)
            _ = try await ledger.beginRun(projectID: project.id, fresh: false)
            let folder = project.outputsDirectory.appendingPathComponent("panel_02", isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            // The killed run: it noted the file, renamed it into place, and died before recording it.
            let orphan = "outputs/panel_02/panel_02_00099_.png"
            try await ledger.notePendingFile(orphan, panelID: "panel_02", promptID: "p-killed")
            try Data([0x89, 0x50, 0x4E, 0x47]).write(to: dir.appendingPathComponent(orphan))
            // A file of the user's in the same folder is not the renderer's to remove.
            let mine = folder.appendingPathComponent("my-notes.txt")
            try Data("keep me".utf8).write(to: mine)

            let (summary, _) = try await EmulatorSupport.render(Renderer(project: try Project.load(from: dir), options: EmulatorSupport.options([await emulator.baseURL])))
            #expect(summary.succeeded)
            #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent(orphan).path), "the unrecorded image is gone")
            #expect(FileManager.default.fileExists(atPath: mine.path), "an unrelated file is kept")
            let manifest = try EmulatorSupport.manifest(dir)
            #expect(try EmulatorSupport.verifyFiles(in: dir, manifest: manifest) == 9)
            #expect(try await ledger.takeUnrecordedPendingFiles().isEmpty, "recorded files leave no pending row")
        }
    }

    @Test func onlyRegularFilesInsideOutputsAreRemoved() throws {
        let dir = try TestSupport.demoCopy()
        let store = OutputStore(projectDirectory: dir)
        let outside = dir.appendingPathComponent("project.json")
        #expect(!store.removeUnrecordedFile("project.json"))
        #expect(!store.removeUnrecordedFile("outputs/../project.json"))
        #expect(!store.removeUnrecordedFile("outputs/panel_01/../../project.json"))
        #expect(FileManager.default.fileExists(atPath: outside.path))
        let folder = dir.appendingPathComponent("outputs/panel_01", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: folder.appendingPathComponent("link.png"), withDestinationURL: outside)
        #expect(!store.removeUnrecordedFile("outputs/panel_01/link.png"), "a link is never followed or removed")
        #expect(FileManager.default.fileExists(atPath: outside.path))
        let elsewhere = try TestSupport.scratch("elsewhere")
        try Data([7]).write(to: elsewhere.appendingPathComponent("b.png"))
        try FileManager.default.createSymbolicLink(at: dir.appendingPathComponent("outputs/panel_09"), withDestinationURL: elsewhere)
        #expect(!store.removeUnrecordedFile("outputs/panel_09/b.png"), "a panel folder swapped for a link is not followed")
        #expect(FileManager.default.fileExists(atPath: elsewhere.appendingPathComponent("b.png").path))
        try Data([1]).write(to: folder.appendingPathComponent("a.png"))
        #expect(store.removeUnrecordedFile("outputs/panel_01/a.png"))
    }
}

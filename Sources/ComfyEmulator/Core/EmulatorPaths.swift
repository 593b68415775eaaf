import Foundation

/// The emulator's folders: ComfyUI's `output/`, `input/` and `temp/`.
struct EmulatorPaths: Sendable {
    let output: URL
    let input: URL
    let temp: URL
    /// Folders this emulator created itself and deletes on stop.
    let owned: [URL]

    /// Creates (or adopts) the folders named in `configuration`.
    init(configuration: EmulatorConfiguration) throws {
        let fm = FileManager.default
        let base = fm.temporaryDirectory.appendingPathComponent("comfy-emulator-\(UUID().uuidString.prefix(8))")
        output = configuration.outputDirectory ?? base.appendingPathComponent("output")
        input = configuration.inputDirectory ?? base.appendingPathComponent("input")
        temp = base.appendingPathComponent("temp")
        for dir in [output, input, temp] {
            try fm.createDirectory(at: dir, withIntermediateDirectories: true)
        }
        owned = [base]
    }

    /// The root folder for a `type` of `output`, `input` or `temp`.
    func root(_ type: String) -> URL? {
        switch type {
        case "output": output
        case "input": input
        case "temp": temp
        default: nil
        }
    }

    /// Deletes the folders the emulator created.
    func removeOwned() {
        for url in owned { try? FileManager.default.removeItem(at: url) }
    }

    /// Empties the temp folder (ComfyUI wipes it at start-up and shutdown).
    func wipeTemp() {
        try? FileManager.default.removeItem(at: temp)
        try? FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }
}

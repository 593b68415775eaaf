import Crypto
import Foundation

/// Client-chosen prompt ids: deterministic per (run, panel, version, attempt, part), in UUID form.
///
/// The id is recorded in the ledger before the prompt is posted, so a process killed at any
/// point can look the prompt up on its server after a restart instead of submitting it again.
enum PromptIdentity {
    /// The prompt id of part `part` of attempt `attempt` of version `version` of panel `panelID`
    /// in run `runID` (version 1 keeps the id it had before panels had versions).
    static func promptID(runID: String, panelID: String, version: Int = 1, attempt: Int, part: Int) -> String {
        guard version > 1 else { return digestUUID("prompt|\(runID)|\(panelID)|\(attempt)|\(part)") }
        return digestUUID("prompt|\(runID)|\(panelID)|v\(version)|\(attempt)|\(part)")
    }

    /// The WebSocket client id of a run on one server, so a resumed run receives the events of
    /// prompts it queued before a restart.
    static func clientID(runID: String, server: String) -> String {
        "storycore-" + digestUUID("client|\(runID)|\(server)")
    }

    private static func digestUUID(_ text: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(text.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x80
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}

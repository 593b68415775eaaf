import Foundation

/// ISO-8601 UTC time stamps as `project.json` writes them (`2026-01-02T03:04:05Z`).
enum Timestamp {
    /// True when `text` is an ISO-8601 date-time in UTC ending in `Z`, with or without fractional seconds.
    static func isUTC(_ text: String) -> Bool {
        guard text.hasSuffix("Z") else { return false }
        let plain = ISO8601DateFormatter()
        if plain.date(from: text) != nil { return true }
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return fractional.date(from: text) != nil
    }

    /// `date` as `yyyy-MM-ddTHH:mm:ssZ`.
    static func string(_ date: Date) -> String {
        ISO8601DateFormatter().string(from: date)
    }
}

extension Timestamp {
    /// `date` with milliseconds, `yyyy-MM-ddTHH:mm:ss.SSSZ`, for timings.
    static func precise(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

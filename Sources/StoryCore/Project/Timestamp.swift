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
        date.formatted(plainStyle)
    }

    /// Reusable value-type formats: an `ISO8601DateFormatter` per call built an ICU formatter each
    /// time, which cost most of a manifest write (measured with perf by the benchmarks).
    private static let plainStyle = Date.ISO8601FormatStyle()
    fileprivate static let preciseStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension Timestamp {
    /// `date` with milliseconds, `yyyy-MM-ddTHH:mm:ss.SSSZ`, for timings.
    static func precise(_ date: Date) -> String {
        date.formatted(preciseStyle)
    }
}

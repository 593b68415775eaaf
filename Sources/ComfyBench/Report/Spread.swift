/// The median of several repetitions with their minimum and maximum.
struct Spread: Sendable {
    /// Every repetition's value, in the order measured.
    let samples: [Double]

    /// The middle value (the mean of the two middle values for an even count).
    var median: Double {
        let sorted = samples.sorted()
        guard !sorted.isEmpty else { return .nan }
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// The smallest value.
    var min: Double { samples.min() ?? .nan }
    /// The largest value.
    var max: Double { samples.max() ?? .nan }

    /// `median [min–max]` with `digits` decimals.
    func formatted(_ digits: Int) -> String {
        samples.count == 1 ? Self.format(median, digits) : "\(Self.format(median, digits)) [\(Self.format(min, digits))–\(Self.format(max, digits))]"
    }

    /// `value` with `digits` decimals.
    static func format(_ value: Double, _ digits: Int) -> String {
        guard value.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        var text = String(rounded)
        if digits == 0 { return String(Int(rounded)) }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        text = String(parts[0]) + "." + fraction + String(repeating: "0", count: Swift.max(0, digits - fraction.count))
        return text
    }
}

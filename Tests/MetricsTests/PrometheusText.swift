/// A small parser of the Prometheus text format (0.0.4) for the tests: `# HELP`, `# TYPE` and samples
/// with labels. Strict: a line it cannot read is an error, so malformed output fails the test.
struct PrometheusText {
    struct Sample: Hashable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    struct ParseError: Error, CustomStringConvertible {
        var line: String
        var reason: String
        var description: String { "cannot parse \"\(line)\": \(reason)" }
    }

    var help: [String: String] = [:]
    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst("# HELP ".count)
                guard let space = rest.firstIndex(of: " ") else { throw ParseError(line: line, reason: "HELP without text") }
                help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst("# TYPE ".count).split(separator: " ")
                guard parts.count == 2, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[1])) else {
                    throw ParseError(line: line, reason: "TYPE needs a name and a known type")
                }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("#") {
                continue
            } else {
                samples.append(try Self.sample(line))
            }
        }
    }

    private static func sample(_ line: String) throws -> Sample {
        var index = line.startIndex
        while index < line.endIndex, line[index] != "{", line[index] != " " { index = line.index(after: index) }
        let name = String(line[..<index])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw ParseError(line: line, reason: "bad metric name")
        }
        var labels: [String: String] = [:]
        if index < line.endIndex, line[index] == "{" {
            index = line.index(after: index)
            while true {
                guard index < line.endIndex else { throw ParseError(line: line, reason: "unterminated labels") }
                if line[index] == "}" { index = line.index(after: index); break }
                if line[index] == "," { index = line.index(after: index); continue }
                guard let equals = line[index...].firstIndex(of: "=") else { throw ParseError(line: line, reason: "label without =") }
                let key = String(line[index..<equals])
                var cursor = line.index(after: equals)
                guard cursor < line.endIndex, line[cursor] == "\"" else { throw ParseError(line: line, reason: "label value not quoted") }
                cursor = line.index(after: cursor)
                var value = ""
                while true {
                    guard cursor < line.endIndex else { throw ParseError(line: line, reason: "unterminated label value") }
                    let character = line[cursor]
                    if character == "\\" {
                        cursor = line.index(after: cursor)
                        guard cursor < line.endIndex else { throw ParseError(line: line, reason: "dangling escape") }
                        value.append(line[cursor] == "n" ? "\n" : line[cursor])
                    } else if character == "\"" {
                        break
                    } else {
                        value.append(character)
                    }
                    cursor = line.index(after: cursor)
                }
                labels[key] = value
                index = line.index(after: cursor)
            }
        }
        let rest = line[index...].split(separator: " ")
        guard let first = rest.first, rest.count <= 2 else { throw ParseError(line: line, reason: "expected a value (and a timestamp)") }
        let value: Double
        switch first {
        case "+Inf": value = .infinity
        case "-Inf": value = -.infinity
        case "NaN": value = .nan
        default:
            guard let number = Double(first) else { throw ParseError(line: line, reason: "value is not a number") }
            value = number
        }
        return Sample(name: name, labels: labels, value: value)
    }

    /// The value of the one sample named `name` whose labels include `labels`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matching = samples.filter { sample in sample.name == name && labels.allSatisfy { key, value in sample.labels[key] == value } }
        return matching.count == 1 ? matching[0].value : nil
    }
}

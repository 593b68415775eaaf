import ComfyWorkflow
import Foundation

/// Every figure of an invocation, as a text table and as JSON.
struct ResultReport: Sendable {
    /// The figures, in scenario order.
    var figures: [Figure]
    /// Where it ran.
    var machine: Machine
    /// When it started (ISO 8601, UTC).
    var date: String
    /// The command line.
    var command: String
    /// Wall-clock seconds of the whole invocation.
    var seconds: Double
    /// Why the baseline was not measured, when it was not.
    var baselineProblem: String?

    /// True when no ComfyBridge target was missed.
    var passed: Bool { !figures.contains { $0.passed == false } }

    /// A Markdown table (readable on a terminal, pasteable into BENCHMARKS.md).
    var table: String {
        var lines = [
            "| scenario | figure | ComfyBridge median [min–max] | baseline median [min–max] | target | result |",
            "|---|---|---|---|---|---|",
        ]
        for figure in figures {
            let result = switch figure.passed {
            case true?: "pass"
            case false?: "**FAIL**"
            case nil: ""
            }
            let baseline = figure.baseline.map { $0.formatted(figure.digits) } ?? "not measured"
            lines.append("| \(figure.scenario) | \(figure.name) | \(figure.comfyBridge.formatted(figure.digits)) | \(baseline) | \(figure.targetText) | \(result) |")
        }
        var text = lines.joined(separator: "\n") + "\n"
        for figure in figures { if let note = figure.note { text += "note (\(figure.scenario)): \(note)\n" } }
        if let baselineProblem { text += "baseline: \(baselineProblem)\n" }
        text += "machine: \(machine.summary); date: \(date); total \(Spread.format(seconds, 0)) s\n"
        text += passed ? "all ComfyBridge targets met\n" : "a ComfyBridge target was missed\n"
        return text
    }

    /// The machine-readable form.
    var json: JSONValue {
        func spread(_ spread: Spread?) -> JSONValue {
            guard let spread else { return nil }
            return ["median": .double(spread.median), "min": .double(spread.min), "max": .double(spread.max),
                    "samples": .array(spread.samples.map { .double($0) })]
        }
        let rows: [JSONValue] = figures.map { figure in
            var target: JSONValue = nil
            switch figure.target {
            case .none: break
            case .atMost(let value): target = ["at_most": .double(value)]
            case .atLeast(let value): target = ["at_least": .double(value)]
            case .timesBaseline(let factor): target = ["times_baseline_at_least": .double(factor)]
            }
            return [
                "scenario": .string(figure.scenario), "figure": .string(figure.name),
                "comfybridge": spread(figure.comfyBridge), "baseline": spread(figure.baseline),
                "target": target, "passed": figure.passed.map(JSONValue.bool) ?? nil,
                "note": figure.note.map(JSONValue.string) ?? nil,
            ]
        }
        return [
            "date": .string(date), "command": .string(command), "seconds": .double(seconds),
            "machine": ["processors": .int(machine.processors), "memory_gib": .double(machine.memoryGiB),
                        "cpu_model": .string(machine.cpuModel), "kernel": .string(machine.kernel)],
            "baseline_problem": baselineProblem.map(JSONValue.string) ?? nil,
            "figures": .array(rows), "passed": .bool(passed),
        ]
    }
}

import ArgumentParser

/// `--json` and `--verbose`, shared by every command.
struct OutputOptions: ParsableArguments {
    @Flag(name: .long, help: "Write JSON to stdout (one object per line for events) and nothing else.")
    var json = false

    @Flag(name: .long, help: "Add detail to errors (every problem, tracebacks, server reasons).")
    var verbose = false

    /// True when output is JSON: `--json`, or stdout is not a terminal (commands that stream events).
    func streamsJSON(console: Console) -> Bool { json || !console.stdoutIsTerminal }
}

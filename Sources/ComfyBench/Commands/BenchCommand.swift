import ArgumentParser

/// `comfybridge-bench`: measures ComfyBridge against the one-panel-at-a-time baseline client.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comfybridge-bench",
        abstract: "Benchmark ComfyBridge against the sequential baseline client on local emulators.",
        discussion: """
        Starts its own emulators on loopback (child processes with a timing model and added network
        latency), runs every scenario for ComfyBridge and for benchmarks/baseline/sequential_client.py
        in the same invocation, prints a table (and JSON with --json) and exits 1 when a ComfyBridge
        target is missed. Build in release mode: swift run -c release comfybridge-bench --scenario all
        """,
        subcommands: [RunCommand.self, EmulatorCommand.self, EmulatorFarmCommand.self, ClientCommand.self, ProjectCommand.self],
        defaultSubcommand: RunCommand.self
    )
}

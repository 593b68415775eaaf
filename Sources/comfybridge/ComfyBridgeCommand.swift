import ArgumentParser

/// The `comfybridge` command: renders StoryCore projects through ComfyUI servers.
@main
struct ComfyBridgeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "comfybridge",
        abstract: "Render StoryCore projects through one or more ComfyUI servers.",
        subcommands: CommandRegistry.all
    )
}

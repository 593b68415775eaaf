import ArgumentParser

/// Every subcommand, in the order `--help` lists them. Add a command here when you add its file
/// (`emulate` goes after `free`; the chaos campaign lives in `comfybridge-dev`).
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = [
        DemoCommand.self,
        RenderCommand.self,
        DashboardCommand.self,
        PanelsCommand.self,
        SheetCommand.self,
        RunCommand.self,
        ValidateCommand.self,
        StatusCommand.self,
        QueueCommand.self,
        HistoryCommand.self,
        InterruptCommand.self,
        FreeCommand.self,
        EmulateCommand.self,
    ]
}

import ArgumentParser

/// Every subcommand, in the order `--help` lists them. Add a command here when you add its file.
enum CommandRegistry {
    static let all: [any ParsableCommand.Type] = []
}

import ArgumentParser
import ComfyAPI
import ComfyEmulator
import ComfyWorkflow
import StoryCore

/// A failure the command line itself detects (as opposed to a library error), with its exit status.
struct CommandFailure: Error, CustomStringConvertible {
    /// What the exit code says about it.
    var status: ExitStatus
    /// One line naming the file, field, node or server concerned.
    var message: String
    /// More lines shown with `--verbose`.
    var details: [String] = []

    var description: String { message }

    /// Bad input (exit 2).
    static func badInput(_ message: String, details: [String] = []) -> CommandFailure {
        CommandFailure(status: .badInput, message: message, details: details)
    }
}

/// The one place where an error becomes an exit status, a one-line message and `--verbose` detail.
enum ErrorReport {
    /// How `error` is reported: its exit status, its one line, and the extra lines of `--verbose`.
    static func classify(_ error: any Error) -> CommandFailure {
        switch error {
        case let failure as CommandFailure:
            return failure
        case let error as RenderError:
            return classify(render: error)
        case let error as ProjectError:
            if case .unwritable = error { return CommandFailure(status: .failed, message: error.description) }
            return .badInput(error.description)
        case let error as WorkflowLoadError:
            return .badInput(error.description)
        case let error as InjectionError:
            return .badInput(error.description)
        case let error as CatalogDecodeError:
            return CommandFailure(status: .failed, message: error.description)
        case let error as ComfyError:
            return classify(comfy: error)
        case let error as OutputError:
            return CommandFailure(status: .failed, message: error.description)
        case let error as LedgerError:
            return CommandFailure(status: .failed, message: error.description)
        case let error as EmulatorError:
            return CommandFailure(status: .failed, message: error.description)
        case is CancellationError:
            return CommandFailure(status: .interrupted, message: "interrupted")
        default:
            return CommandFailure(status: .failed, message: String(describing: error), details: [String(reflecting: error)])
        }
    }

    private static func classify(render error: RenderError) -> CommandFailure {
        switch error {
        case .project(let e): return classify(e)
        case .workflow(let e): return classify(e)
        case .invalidPlan(let problems):
            return .badInput(error.description, details: problems.map { "  \($0)" })
        case .unknownPanels, .invalidOptions, .selection:
            return .badInput(error.description)
        case .noServerAvailable(let reasons):
            let tlsHint = reasons.values.contains { $0.contains("TLS failed") } ? "; pass --ca-cert <pem> to trust a private CA" : ""
            return CommandFailure(status: .unreachable, message: error.description + tlsHint,
                                  details: reasons.sorted { $0.key < $1.key }.map { "  \($0.key): \($0.value)" })
        case .ledger(let e): return classify(e)
        case .output(let e): return classify(e)
        }
    }

    private static func classify(comfy error: ComfyError) -> CommandFailure {
        switch error {
        case .transport(_, .tls):
            return CommandFailure(status: .unreachable, message: error.description + "; pass --ca-cert <pem> to trust a private CA")
        case .transport:
            return CommandFailure(status: .unreachable, message: error.description)
        case .validation(let failure):
            return .badInput(error.description, details: failure.nodeErrors.map { "  \($0)" })
        case .invalidConfiguration, .invalidArgument:
            return .badInput(error.description)
        case .cancelled:
            return CommandFailure(status: .interrupted, message: "interrupted")
        case .execution(let failure), .outOfMemory(let failure):
            return CommandFailure(status: .failed, message: error.description,
                                  details: ["  \(failure.exceptionType): \(failure.exceptionMessage)"] + failure.traceback.map { "  \($0)" })
        default:
            return CommandFailure(status: .failed, message: error.description)
        }
    }

    /// Prints the failure to stderr (`comfybridge: error: …`, then the detail when `verbose`) and
    /// returns the exit code to leave with.
    static func report(_ error: any Error, verbose: Bool, console: Console = Console()) -> ExitCode {
        let failure = classify(error)
        if failure.status != .interrupted || failure.message != "interrupted" {
            console.error("comfybridge: error: \(failure.message)")
        }
        if verbose {
            for line in failure.details { console.error(line) }
        }
        return failure.status.exitCode
    }
}

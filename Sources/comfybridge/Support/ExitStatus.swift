import ArgumentParser

/// The exit codes of `comfybridge`, documented in the README and in `--help`.
enum ExitStatus: Int32, Sendable {
    /// Everything asked for was done.
    case success = 0
    /// The command ran but some of its work failed (panels, a prompt, a server operation).
    case failed = 1
    /// Bad input: usage, a missing or unreadable file, invalid JSON, an invalid project or workflow,
    /// validation problems.
    case badInput = 2
    /// No ComfyUI server could be reached.
    case unreachable = 3
    /// Stopped by Ctrl-C (SIGINT).
    case interrupted = 130

    /// The `ArgumentParser` exit code carrying this status.
    var exitCode: ExitCode { ExitCode(rawValue) }

    /// The table printed at the end of `comfybridge --help`; each row is shorter than 80 columns, so
    /// the help's wrapping never splits one.
    static let helpText = """
        Exit codes:
          0    everything was done
          1    some panels (or the prompt, or the server operation) failed
          2    bad input: usage, a missing or invalid file, project or workflow
          3    no ComfyUI server reachable
          130  interrupted by Ctrl-C (the next `render` resumes)
        """
}

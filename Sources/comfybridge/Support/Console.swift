import Foundation

/// Where the command line writes: results and JSON lines to stdout, everything for a person to stderr.
struct Console: Sendable {
    /// True when stdout is a terminal (then render progress is drawn for a person, not as JSON lines).
    var stdoutIsTerminal: Bool { isatty(STDOUT_FILENO) == 1 }
    /// True when stderr is a terminal (then progress can be redrawn in place).
    var stderrIsTerminal: Bool { isatty(STDERR_FILENO) == 1 }

    /// Writes one line to stdout.
    func output(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes one line to stderr.
    func error(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes text to stderr as is (terminal control sequences included).
    func rawError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// The terminal width: `$COLUMNS` (which shells set but rarely export), else the width of the
    /// terminal on stderr or stdout, else 100.
    var width: Int {
        if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap({ Int($0) }), columns > 20 { return columns }
        for descriptor in [STDERR_FILENO, STDOUT_FILENO] {
            var size = winsize()
            if ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 20 { return Int(size.ws_col) }
        }
        return 100
    }
}

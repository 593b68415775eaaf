import ComfyTestSupport
import Foundation
import Testing

/// `comfybridge --help` and `comfybridge help <command>` read as clean paragraphs at 80 columns and
/// on a wide terminal: the argument parser's wrapping is the only wrapping (issue 19, part 4).
@Suite("help text wraps cleanly at 80 columns and on a wide terminal")
struct HelpTextTests {
    /// Wide enough that the parser wraps nothing: every line shows one line of the source text.
    static let wide = 1000

    /// The lines of `comfybridge --help` (command nil) or `comfybridge help <command>` at `columns`.
    static func help(_ command: String?, columns: Int) async throws -> [String] {
        let arguments = command.map { ["help", $0] } ?? ["--help"]
        let result = try await ChildProcess.run(arguments, in: Fixtures.temporaryFolder(), environment: ["COLUMNS": String(columns)])
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// The subcommand names listed by `comfybridge --help`.
    static func subcommands() async throws -> [String] {
        let lines = try await help(nil, columns: wide)
        guard let start = lines.firstIndex(of: "SUBCOMMANDS:") else { return [] }
        return lines[(start + 1)...].prefix { !$0.isEmpty }.compactMap { line in
            guard line.hasPrefix("  "), line.dropFirst(2).first?.isLetter == true else { return nil }
            return line.split(separator: " ").first.map(String.init)
        }
    }

    /// Every help text: the overview's and each subcommand's.
    static func texts() async throws -> [String?] {
        let names = try await subcommands()
        #expect(names.count >= 13, "subcommands found: \(names)")
        return [nil] + names
    }

    static func isIndented(_ line: String) -> Bool { line.first?.isWhitespace == true }

    @Test func everyHelpTextFitsEightyColumns() async throws {
        for command in try await Self.texts() {
            for line in try await Self.help(command, columns: 80) {
                #expect(line.count <= 80, "help \(command ?? "(overview)"): \(line.count) columns: \(line)")
            }
        }
    }

    @Test func overviewAndDiscussionParagraphsHaveNoHandLineBreaks() async throws {
        for command in try await Self.texts() {
            let name = command ?? "(overview)"
            let wide = try await Self.help(command, columns: Self.wide)
            let narrow = try await Self.help(command, columns: 80)
            // The overview and discussion: everything above the usage line.
            let prose = wide.prefix { !$0.hasPrefix("USAGE:") }
            #expect(prose.count < wide.count, "help \(name) has no USAGE line")
            // Unwrapped, a paragraph is one line ending a sentence (or introducing a list with a colon);
            // a line that stops mid-sentence is a hand line break. (The child's output arrives without
            // its empty lines, so paragraphs are told apart by how their lines end.)
            for line in prose where !line.isEmpty && !Self.isIndented(line) {
                #expect([".", ":", "!", "?"].contains { line.hasSuffix($0) }, "help \(name): a hand line break after \"\(line)\"")
            }
            // List items are short enough that the parser never splits one (which would lose its indent).
            for item in prose where Self.isIndented(item) {
                #expect(narrow.contains(item), "help \(name): list item split at 80 columns: \(item)")
            }
            // Options and arguments: help text continues on an indented line only under a label that has none.
            let sections = wide.drop { !$0.hasPrefix("USAGE:") }
            for (line, next) in zip(sections, sections.dropFirst()) where next.hasPrefix(String(repeating: " ", count: 26)) {
                let label = line.drop { $0 == " " }
                #expect(!label.isEmpty && !label.contains("  "), "help \(name): a hand line break in the help of \"\(line)\"")
            }
        }
    }
}

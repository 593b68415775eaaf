import Foundation

/// The machine a benchmark ran on, as BENCHMARKS.md records it.
struct Machine: Sendable {
    /// Online processors (`nproc`).
    var processors: Int
    /// Physical memory in GiB.
    var memoryGiB: Double
    /// The CPU model from `/proc/cpuinfo`.
    var cpuModel: String
    /// The kernel release.
    var kernel: String

    /// Reads the current machine.
    static func current() -> Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        let kernel = ((try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? "unknown")
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return Machine(processors: ProcessInfo.processInfo.activeProcessorCount,
                       memoryGiB: Double(ProcessInfo.processInfo.physicalMemory) / Double(1 << 30),
                       cpuModel: model, kernel: kernel)
    }

    /// One line: `2 CPUs (AMD EPYC), 23.4 GiB RAM, Linux 6.1`.
    var summary: String {
        "\(processors) CPUs (\(cpuModel)), \(Spread.format(memoryGiB, 1)) GiB RAM, Linux \(kernel)"
    }
}

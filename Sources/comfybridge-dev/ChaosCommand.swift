import ArgumentParser
import ComfyChaos
import ComfyWorkflow
import Foundation

/// `comfybridge-dev chaos`: the reliability campaign (issue 8) — seeded chaos runs of `render` against two
/// faulty emulators, and seeded fuzzing of the protocol decoders; exit 0 only when every invariant held.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run the seeded chaos campaign and decoder fuzzing against embedded emulators.",
        usage: "comfybridge-dev chaos [<options>]",
        discussion: "Each run renders a 16-panel project with `comfybridge render` (the `comfybridge` beside this executable, or --comfybridge) against two emulators on 127.0.0.1 while killing the render (SIGKILL), restarting emulators, dropping sockets, sending HTTP 500 bursts, slow replies and out-of-memory errors, then checks every invariant: each panel completed once with matching SHA-256, no temporary files, manifest, project.json and ledger valid at every kill point, project.json keys kept. A failing run prints its seed; replay it with `--runs 1 --run-seed <seed>`. Failed runs keep their folder under --work-dir. Exit 0 when every invariant held and no fuzz case was unsafe, 1 otherwise.")

    @Option(help: "Chaos runs.")
    var runs = 100

    @Option(help: "Campaign seed; run i uses a seed derived from it.")
    var seed: UInt64 = 1

    @Option(name: .customLong("run-seed"), help: ArgumentHelp("Replay exactly the run with this seed (as printed by a failing run).", valueName: "seed"))
    var runSeed: UInt64?

    @Option(help: "Mutated server messages fed through the decoders (0 skips fuzzing).")
    var fuzz = 10_000

    @Option(name: .customLong("hostile"), help: "Calls (routes and prompt runs) through a real client to an emulator in hostile mode, half its replies and frames damaged (0 skips).")
    var hostileCalls = 2_000

    @Option(help: ArgumentHelp("Folder of ComfyUI transcripts the fuzz cases are built from.", valueName: "dir"))
    var transcripts = "Tests/Fixtures/transcripts"

    @Option(name: .customLong("work-dir"), help: ArgumentHelp("Where run folders go (default: a new temporary folder).", valueName: "dir"))
    var workDirectory: String?

    @Option(help: ArgumentHelp("The comfybridge executable whose `render` the runs kill (default: the one beside this executable).", valueName: "path"))
    var comfybridge: String?

    @Flag(help: "Keep every run's folder, not only failed ones.")
    var keep = false

    @Flag(help: "Print the final report as one JSON object on stdout.")
    var json = false

    func validate() throws {
        guard runs >= 0 else { throw ValidationError("--runs must be 0 or more") }
        guard fuzz >= 0 else { throw ValidationError("--fuzz must be 0 or more") }
        guard hostileCalls >= 0 else { throw ValidationError("--hostile must be 0 or more") }
    }

    func run() async throws {
        var failed = false
        var fuzzReport: FuzzReport?
        if fuzz > 0 {
            let corpus: FuzzCorpus
            do {
                corpus = try FuzzCorpus.load(transcripts: URL(fileURLWithPath: transcripts, isDirectory: true))
            } catch {
                Self.printError("comfybridge-dev: error: \(error) (pass --transcripts <dir> or run from the repository root)")
                throw ExitCode(2)
            }
            let report = DecoderFuzzer(corpus: corpus, seed: seed).run(cases: fuzz)
            fuzzReport = report
            failed = failed || !report.violations.isEmpty
            if !json {
                Self.printError("fuzz: \(report.cases) cases (seed \(seed)), decoded \(report.decoded), refused with a typed result \(report.refused), unsafe \(report.violations.count), slowest \(report.slowest)")
                for violation in report.violations.prefix(20) { Self.printError("  \(violation)") }
            }
        }
        var hostileReport: HostileServerProbe.Report?
        if hostileCalls > 0 {
            let report: HostileServerProbe.Report
            do { report = try await HostileCampaign.run(requests: hostileCalls - hostileCalls / 50, prompts: hostileCalls / 50, seed: seed) } catch {
                Self.printError("comfybridge-dev: error: \(error)")
                throw ExitCode(1)
            }
            hostileReport = report
            failed = failed || report.succeeded + report.typedErrors != report.requests
            if !json { Self.printError("hostile server: \(report)") }
        }
        var campaignReport: CampaignReport?
        if runs > 0 {
            let work = workDirectory.map { URL(fileURLWithPath: $0, isDirectory: true) }
                ?? FileManager.default.temporaryDirectory.appendingPathComponent("comfybridge-chaos-\(seed)-\(UUID().uuidString.prefix(8))")
            let executable = try renderExecutable()
            let campaign = ChaosCampaign(configuration: CampaignConfiguration(
                executable: executable,
                workDirectory: work, runs: runs, seed: seed, runSeed: runSeed, keepArtifacts: keep,
                environment: ProcessInfo.processInfo.environment))
            var report = CampaignReport(seed: seed)
            let started = ContinuousClock.now
            for index in 0..<runs {
                let result: RunResult
                do { result = try await campaign.run(index: index) } catch {
                    Self.printError("comfybridge-dev: error: \(error)")
                    throw ExitCode(1)
                }
                report.runs.append(result)
                if !json { Self.printError(result.summary) }
            }
            report.duration = ContinuousClock.now - started
            campaignReport = report
            failed = failed || !report.failedRuns.isEmpty
            if !json { for line in report.lines { print(line) } }
        }
        if json {
            var object = JSONObject()
            if let fuzzReport {
                object["fuzz"] = .object(JSONObject([
                    ("seed", .uint64(fuzzReport.seed)), ("cases", .int(fuzzReport.cases)), ("decoded", .int(fuzzReport.decoded)),
                    ("refused", .int(fuzzReport.refused)), ("unsafe", .int(fuzzReport.violations.count)),
                    ("by_kind", .object(JSONObject(fuzzReport.byKind.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) }))),
                ]))
            }
            if let hostileReport {
                object["hostile"] = .object(JSONObject([
                    ("calls", .int(hostileReport.requests)), ("values", .int(hostileReport.succeeded)), ("typed_errors", .int(hostileReport.typedErrors)),
                    ("by_error", .object(JSONObject(hostileReport.errorKinds.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.int($0.value)) }))),
                ]))
            }
            if let campaignReport { object["campaign"] = campaignReport.json }
            print(JSONValue.object(object).serializedString())
        } else {
            if let fuzzReport { print("fuzz cases: \(fuzzReport.cases), crashes: 0, unsafe decodes: \(fuzzReport.violations.count)") }
            if let hostileReport { print("hostile-server calls: \(hostileReport.requests), ended with a value: \(hostileReport.succeeded), with a typed error: \(hostileReport.typedErrors), crashes or hangs: 0") }
        }
        if failed { throw ExitCode(1) }
    }

    /// The `comfybridge` the runs render with: `--comfybridge`, else the one beside this executable.
    private func renderExecutable() throws -> URL {
        if let comfybridge { return URL(fileURLWithPath: comfybridge) }
        let selfPath = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let this = FileManager.default.isExecutableFile(atPath: selfPath.path) ? selfPath : URL(fileURLWithPath: CommandLine.arguments[0])
        let beside = this.deletingLastPathComponent().appendingPathComponent("comfybridge")
        guard FileManager.default.isExecutableFile(atPath: beside.path) else {
            Self.printError("comfybridge-dev: error: no comfybridge executable at \(beside.path) (build it, or pass --comfybridge <path>)")
            throw ExitCode(2)
        }
        return beside
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

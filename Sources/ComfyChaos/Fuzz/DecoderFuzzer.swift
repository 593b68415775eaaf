import ComfyAPI
import ComfyEmulator
import ComfyWorkflow

/// Feeds seeded mutations of real server messages through ComfyAPI's decoders and checks each
/// outcome: a typed event, a typed rejection, or a typed error — never a trap, never a value a caller
/// cannot use safely (a non-finite progress number), never a slow case.
///
/// Case `i` of a campaign with seed `s` is always the same input, so a failing case is replayed from
/// the seed and index the report gives.
public struct DecoderFuzzer: Sendable {
    /// How one HTTP body was judged by a body decoder.
    public enum BodyOutcome: Sendable, Hashable {
        /// The body decoded into a typed value.
        case decoded
        /// The body was refused with a typed error; the text is its one-line description.
        case refused(String)
    }

    /// Decodes one JSON reply body for `route`; plugged in by callers that can reach ComfyAPI's reply
    /// parsers (tests) or a live client (the hostile emulator campaign).
    public typealias BodyDecoder = @Sendable (_ route: String, _ body: [UInt8]) -> BodyOutcome

    /// The inputs mutated.
    public let corpus: FuzzCorpus
    /// The campaign seed.
    public let seed: UInt64
    /// A case slower than this is reported as a hang (default 2 s).
    public let slowCaseLimit: Duration

    /// Creates a fuzzer over `corpus`.
    public init(corpus: FuzzCorpus, seed: UInt64, slowCaseLimit: Duration = .seconds(2)) {
        self.corpus = corpus
        self.seed = seed
        self.slowCaseLimit = slowCaseLimit
    }

    /// Runs `cases` cases: text frames, binary frames and (when `bodyDecoder` is given) HTTP bodies in turn.
    public func run(cases: Int, bodyDecoder: BodyDecoder? = nil) -> FuzzReport {
        var report = FuzzReport(seed: seed)
        let clock = ContinuousClock()
        let channels = bodyDecoder == nil ? 2 : 3
        for index in 0..<max(0, cases) {
            var mutator = MessageMutator(seed: ChaosRandom.runSeed(campaign: seed, run: index))
            let started = clock.now
            let channel = index % channels
            var label = ""
            switch channel {
            case 0 where !corpus.textFrames.isEmpty:
                let source = corpus.textFrames[(index / channels) % corpus.textFrames.count]
                let (kind, bytes) = mutator.mutate(json: source)
                label = "text frame, \(kind)"
                report.count(kind)
                judge(ServerEventDecoder.decode(text: bytes), index: index, label: label, into: &report)
            case 1 where !corpus.binaryFrames.isEmpty:
                let source = corpus.binaryFrames[(index / channels) % corpus.binaryFrames.count]
                let (kind, bytes) = mutator.mutate(binary: source)
                label = "binary frame, \(kind)"
                report.count(kind)
                judge(ServerEventDecoder.decode(binary: bytes), index: index, label: label, into: &report)
            default:
                guard let bodyDecoder, !corpus.httpBodies.isEmpty else {
                    let source = corpus.textFrames.isEmpty ? [] : corpus.textFrames[index % corpus.textFrames.count]
                    let (kind, bytes) = mutator.mutate(json: source)
                    label = "text frame, \(kind)"
                    report.count(kind)
                    judge(ServerEventDecoder.decode(text: bytes), index: index, label: label, into: &report)
                    break
                }
                let source = corpus.httpBodies[(index / channels) % corpus.httpBodies.count]
                let (kind, bytes) = mutator.mutate(json: source.body)
                label = "\(source.route) body, \(kind)"
                report.count(kind)
                report.httpBodies += 1
                switch bodyDecoder(source.route, bytes) {
                case .decoded: report.decoded += 1
                case .refused: report.refused += 1
                }
            }
            let elapsed = clock.now - started
            if elapsed > report.slowest { report.slowest = elapsed }
            if elapsed > slowCaseLimit {
                report.violations.append(.init(caseIndex: index, input: label, problem: "took \(elapsed), over the \(slowCaseLimit) limit"))
            }
        }
        return report
    }

    private func judge(_ event: ServerEvent, index: Int, label: String, into report: inout FuzzReport) {
        report.frames += 1
        switch event {
        case .unknown, .unknownBinary:
            report.refused += 1
        default:
            report.decoded += 1
        }
        if let problem = Self.unsafeValue(in: event) {
            report.violations.append(.init(caseIndex: index, input: label, problem: problem))
        }
        _ = event.promptID
        _ = event.typeName
    }

    /// A value in a decoded event that a caller would trap or misbehave on, described; nil when safe.
    public static func unsafeValue(in event: ServerEvent) -> String? {
        switch event {
        case .progress(let update):
            if !update.value.isFinite || !update.max.isFinite { return "progress decoded with a non-finite number (value \(update.value), max \(update.max))" }
            if abs(update.value) > 1e15 || abs(update.max) > 1e15 { return "progress decoded with a number beyond any step count (value \(update.value), max \(update.max))" }
        case .progressState(_, let nodes):
            for node in nodes where !node.value.isFinite || !node.max.isFinite {
                return "progress_state decoded with a non-finite number for node \(node.nodeID)"
            }
        case .status(let remaining, _):
            if let remaining, remaining < 0 { return "status decoded with a negative queue length \(remaining)" }
        default:
            break
        }
        return nil
    }
}

/// What a fuzz campaign did and found.
public struct FuzzReport: Sendable, Hashable {
    /// A case whose outcome was unsafe or slow.
    public struct Violation: Sendable, Hashable, CustomStringConvertible {
        /// The case index (replay it with the same seed).
        public var caseIndex: Int
        /// Which input and mutation.
        public var input: String
        /// What was wrong.
        public var problem: String

        /// One line: case, input, problem.
        public var description: String { "case \(caseIndex) (\(input)): \(problem)" }
    }

    /// The campaign seed.
    public var seed: UInt64
    /// Cases run, by mutation kind.
    public var byKind: [String: Int] = [:]
    /// WebSocket frames decoded.
    public var frames = 0
    /// HTTP bodies decoded.
    public var httpBodies = 0
    /// Cases that decoded into a typed value.
    public var decoded = 0
    /// Cases refused with a typed rejection or error.
    public var refused = 0
    /// The slowest single case.
    public var slowest: Duration = .zero
    /// Unsafe or slow outcomes; empty when the decoders held.
    public var violations: [Violation] = []

    /// Cases run.
    public var cases: Int { frames + httpBodies }

    mutating func count(_ kind: MessageMutator.Kind) { byKind[kind.rawValue, default: 0] += 1 }

    /// Adds another report's counts (for campaigns run in parts).
    public mutating func merge(_ other: FuzzReport) {
        for (kind, n) in other.byKind { byKind[kind, default: 0] += n }
        frames += other.frames
        httpBodies += other.httpBodies
        decoded += other.decoded
        refused += other.refused
        slowest = max(slowest, other.slowest)
        violations += other.violations
    }
}

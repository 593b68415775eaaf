import ComfyAPI
import ComfyWorkflow
import Foundation

/// Drives a (hostile) server through every kind of call a renderer makes — queue, history, system
/// stats, features, node info, submit-and-follow — and counts how each ended: a value or a typed
/// `ComfyError`. Any other ending (a trap, a hang) never returns, which is what its callers guard.
public struct HostileServerProbe: Sendable {
    /// How the calls ended.
    public struct Report: Sendable, Hashable, CustomStringConvertible {
        /// Calls made.
        public var requests = 0
        /// Calls that returned a value.
        public var succeeded = 0
        /// Calls that failed with a typed `ComfyError`.
        public var typedErrors = 0
        /// Typed errors by case name (`malformedReply`, `transport`, …).
        public var errorKinds: [String: Int] = [:]

        /// One line of counts.
        public var description: String {
            "\(requests) calls: \(succeeded) returned a value, \(typedErrors) typed errors \(errorKinds.sorted { $0.key < $1.key })"
        }
    }

    /// The server.
    public let baseURL: URL
    /// The graph submitted for the prompt calls.
    public let workflow: Workflow

    /// Creates a probe of the server at `baseURL`.
    public init(baseURL: URL, workflow: Workflow) {
        self.baseURL = baseURL
        self.workflow = workflow
    }

    /// Makes `requests` route calls and `prompts` submit-and-follow calls (each with a fresh seed).
    public func run(requests: Int, prompts: Int) async throws(ComfyError) -> Report {
        let client = try ComfyClient(configuration: .init(
            baseURL: baseURL, connectTimeout: .seconds(2), requestTimeout: .seconds(5), readTimeout: .seconds(5),
            stallTimeout: .seconds(3), pingInterval: .seconds(1),
            retry: RetryPolicy(maxAttempts: 2, initialDelay: .milliseconds(5), maxDelay: .milliseconds(20)),
            reconnect: RetryPolicy(maxAttempts: .max, initialDelay: .milliseconds(20), maxDelay: .milliseconds(200))))
        var report = Report()
        for index in 0..<max(0, requests) {
            report.requests += 1
            do throws(ComfyError) {
                switch index % 6 {
                case 0: _ = try await client.queue()
                case 1: _ = try await client.history(maxItems: 5)
                case 2: _ = try await client.systemStats()
                case 3: _ = try await client.features()
                case 4: _ = try await client.objectInfo(nodeClass: "KSampler")
                default: _ = try await client.queueRemaining()
                }
                report.succeeded += 1
            } catch {
                record(error, in: &report)
            }
        }
        for index in 0..<max(0, prompts) {
            report.requests += 1
            let graph = Self.reseeded(workflow, seed: UInt64(index) &+ 1_000)
            do throws(ComfyError) {
                _ = try await client.submit(graph).result()
                report.succeeded += 1
            } catch {
                record(error, in: &report)
            }
        }
        await client.shutdown()
        return report
    }

    private func record(_ error: ComfyError, in report: inout Report) {
        report.typedErrors += 1
        report.errorKinds[Self.kindName(error), default: 0] += 1
    }

    static func kindName(_ error: ComfyError) -> String {
        switch error {
        case .transport: "transport"
        case .httpStatus: "http_status"
        case .validation: "validation"
        case .execution: "execution"
        case .outOfMemory: "out_of_memory"
        case .interrupted: "interrupted"
        case .stalled: "stalled"
        case .promptLost: "prompt_lost"
        case .malformedReply: "malformed_reply"
        case .responseTooLarge: "response_too_large"
        case .invalidConfiguration: "invalid_configuration"
        case .invalidArgument: "invalid_argument"
        case .shutDown: "shut_down"
        case .cancelled: "cancelled"
        }
    }

    /// The graph with every `seed` input set to `seed`, so each prompt runs instead of hitting the cache.
    static func reseeded(_ workflow: Workflow, seed: UInt64) -> Workflow {
        guard case .object(var graph) = workflow.json else { return workflow }
        for key in graph.keys {
            guard case .object(var node)? = graph[key], case .object(var inputs)? = node["inputs"], inputs["seed"] != nil else { continue }
            inputs["seed"] = .uint64(seed)
            node["inputs"] = .object(inputs)
            graph[key] = .object(node)
        }
        return (try? Workflow(json: .object(graph))) ?? workflow
    }
}

@testable import ComfyAPI
import ComfyEmulator
import ComfyTestSupport
import ComfyWorkflow
import Foundation
import Logging
import Testing

/// Starts a `ComfyEmulator` on 127.0.0.1:0 with a client for it, and always stops both.
enum EmulatorHarness {
    static var emulatorLogger: Logger { TestEmulator.quietLogger }

    static func run<T>(_ emulatorConfiguration: EmulatorConfiguration = EmulatorConfiguration(),
                       client configure: (inout ComfyClient.Configuration) -> Void = { _ in },
                       _ body: (ComfyEmulator, ComfyClient) async throws -> T) async throws -> T {
        try await withEmulator(emulatorConfiguration) { emulator in
            var configuration = TestSupport.configuration(await emulator.baseURL)
            configure(&configuration)
            return try await TestSupport.withClient(configuration) { client in
                try await body(emulator, client)
            }
        }
    }

    /// ProbeImage → SaveImage: `steps` progress steps of `stepMS` each; a new seed defeats the cache.
    static func probe(seed: UInt64 = UInt64.random(in: 1...UInt64.max), steps: Int = 2, stepMS: Int = 1,
                      batch: Int = 1, text: String = "probe", prefix: String = "api_test/probe") -> Workflow {
        let json: JSONValue = [
            "1": ["class_type": "ProbeImage", "inputs": ["seed": .uint64(seed), "width": 64, "height": 64, "batch_size": .int(batch),
                                                         "text": .string(text), "steps": .int(steps), "step_ms": .int(stepMS)]],
            "2": ["class_type": "SaveImage", "inputs": ["images": ["1", 0], "filename_prefix": .string(prefix)]],
        ]
        return try! Workflow(json: json)
    }

    /// ProbeImage → ProbeFail → SaveImage.
    static func failing(message: String = "boom") -> Workflow {
        try! Workflow(json: [
            "1": ["class_type": "ProbeImage", "inputs": ["seed": .uint64(UInt64.random(in: 1...UInt64.max)), "width": 64, "height": 64, "batch_size": 1, "text": "f", "steps": 1, "step_ms": 1]],
            "2": ["class_type": "ProbeFail", "inputs": ["images": ["1", 0], "message": .string(message)]],
            "3": ["class_type": "SaveImage", "inputs": ["images": ["2", 0], "filename_prefix": "api_test/fail"]],
        ])
    }

    /// ProbeImage (batch 4, 512²) → ProbeVRAMLimit (budget 2×512²) → SaveImage: raises the CUDA OOM.
    static func outOfMemory() -> Workflow {
        try! Workflow(json: [
            "1": ["class_type": "ProbeImage", "inputs": ["seed": .uint64(UInt64.random(in: 1...UInt64.max)), "width": 512, "height": 512, "batch_size": 4, "text": "o", "steps": 1, "step_ms": 1]],
            "2": ["class_type": "ProbeVRAMLimit", "inputs": ["images": ["1", 0], "pixel_budget": 524288]],
            "3": ["class_type": "SaveImage", "inputs": ["images": ["2", 0], "filename_prefix": "api_test/oom"]],
        ])
    }

    /// Drains a run into its events and its outcome.
    static func collect(_ run: PromptRun) async -> (events: [ServerEvent], outcome: Result<PromptResult, ComfyError>) {
        var events: [ServerEvent] = []
        do {
            for try await element in run {
                switch element {
                case .server(let event): events.append(event)
                case .completed(let result): return (events, .success(result))
                }
            }
            return (events, .failure(.shutDown))
        } catch {
            return (events, .failure(error))
        }
    }
}

extension Result where Failure == ComfyError {
    var error: ComfyError? { if case .failure(let e) = self { return e }; return nil }
    var value: Success? { if case .success(let v) = self { return v }; return nil }
}

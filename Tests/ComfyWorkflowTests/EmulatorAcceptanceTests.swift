import AsyncHTTPClient
import ComfyEmulator
import Foundation
import NIOCore
import NIOHTTP1
import Testing
@testable import ComfyWorkflow

/// Converted and injected graphs are accepted by a ComfyUI-compatible server (the embedded
/// emulator, over a real loopback socket), using the catalogue that server itself serves.
@Suite("Converted and injected graphs are accepted by the emulator")
struct EmulatorAcceptanceTests {
    struct Reply {
        let status: UInt
        let json: JSONValue
    }

    static func request(_ base: URL, _ path: String, body: JSONValue? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base.absoluteString.trimmingSuffix("/") + path)
        if let body {
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(body.serialized())
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 32 << 20)
        return Reply(status: response.status.code, json: try JSONValue.parse(Array(bytes.readableBytesView)))
    }

    static func withEmulator(_ body: (URL, NodeCatalog) async throws -> Void) async throws {
        let emulator = ComfyEmulator(configuration: EmulatorConfiguration())
        try await emulator.start()
        do {
            let base = await emulator.baseURL
            let info = try await request(base, "/object_info")
            #expect(info.status == 200)
            let catalog = try NodeCatalog(objectInfo: info.json)
            #expect(catalog.skippedClasses.isEmpty)
            try await body(base, catalog)
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    static func submit(_ workflow: Workflow, to base: URL) async throws -> Reply {
        try await request(base, "/prompt", body: ["prompt": workflow.json, "client_id": "comfyworkflow-tests"])
    }

    @Test func convertedUIExportsAreAcceptedByTheEmulator() async throws {
        try await Self.withEmulator { base, catalog in
            for name in ["ui_sdxl.json", "ui_flux2.json", "ui_probe.json"] + UIConversionTests.controlShapes {
                let workflow = try Workflow(data: Fixtures.fixture(name), catalog: catalog, file: name)
                #expect(workflow.validate(against: catalog).isEmpty, "\(name): \(workflow.validate(against: catalog))")
                let reply = try await Self.submit(workflow, to: base)
                #expect(reply.status == 200, "\(name): \(reply.json.serializedString())")
                #expect(reply.json["prompt_id"]?.stringValue != nil)
                #expect(reply.json["node_errors"] == .object([:]))
            }
        }
    }

    @Test func injectedBundledWorkflowsAreAcceptedByTheEmulator() async throws {
        try await Self.withEmulator { base, catalog in
            let parameters = WorkflowParameters(seed: PanelSeed.derive(globalSeed: 42, panelID: "panel_03"), positivePrompt: "a harbour at night",
                                                negativePrompt: "blurry", width: 512, height: 384, batchSize: 1, steps: 2,
                                                filenamePrefix: "storycore/panel_03", optional: [.negativePrompt])
            for name in ["storycore_sdxl.json", "storycore_flux2.json", "emulator_probe.json"] {
                let template = try Fixtures.bundled(name)
                #expect(template.validate(against: catalog).isEmpty, "\(name): \(template.validate(against: catalog))")
                let injected = try template.injecting(parameters, catalog: catalog).workflow
                let reply = try await Self.submit(injected, to: base)
                #expect(reply.status == 200, "\(name): \(reply.json.serializedString())")
            }
        }
    }

    @Test func theValidatorAndTheServerAgreeOnARejectedConversion() async throws {
        try await Self.withEmulator { base, catalog in
            let workflow = try Workflow(data: Fixtures.fixture("ui_muted_source.json"), catalog: catalog)
            let problems = workflow.validate(against: catalog)
            #expect(problems.map(\.kind) == [.missingRequiredInput])
            let reply = try await Self.submit(workflow, to: base)
            #expect(reply.status == 400)
            #expect(reply.json["node_errors"]?["2"]?["errors"]?[0]?["type"] == "required_input_missing")
        }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

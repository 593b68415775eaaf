import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation
import StoryCore

/// The steps of `comfybridge run` against one client: prepare, validate, queue, follow, download.
struct PromptExecution {
    let client: ComfyClient
    let console: Console
    let json: Bool

    /// Runs the workflow and returns the exit status; throws for bad input and server errors.
    func run(json document: JSONValue, file: String, parameters: WorkflowParameters, outputDirectory: URL) async throws -> ExitStatus {
        let catalog = try await ServerCatalog.fetch(from: client)
        let template = try Workflow(json: document, catalog: catalog, file: file)
        let workflow = try template.injecting(parameters, catalog: catalog).workflow
        let problems = workflow.validate(against: catalog)
        guard problems.isEmpty else {
            throw CommandFailure.badInput("\(file): \(problems.count) validation problem\(problems.count == 1 ? "" : "s") against \(client.server): \(problems[0])" + (problems.count > 1 ? " (and \(problems.count - 1) more; --verbose lists them)" : ""),
                                          details: problems.map { "  \($0)" })
        }
        let promptID = UUID().uuidString.lowercased()
        let run = try await client.submit(workflow, promptID: promptID)
        emit(["event": "queued", "prompt_id": .string(promptID), "server": .string(client.server)], human: "Queued \(promptID) on \(client.server)")
        let result: PromptResult
        do {
            result = try await follow(run)
        } catch {
            if Task.isCancelled {
                await Task { await Self.withdraw(promptID, from: client) }.value
                emit(["event": "interrupted", "prompt_id": .string(promptID)], human: "Interrupted \(promptID)")
                return .interrupted
            }
            if let comfy = error as? ComfyError, case .interrupted = comfy {
                emit(["event": "interrupted", "prompt_id": .string(promptID)], human: "Interrupted \(promptID) (by another client)")
            }
            throw error
        }
        var files: [JSONValue] = []
        if !result.files.isEmpty {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        }
        for file in result.files {
            if let problem = SafeFileName.problem(with: file.filename) {
                throw CommandFailure(status: .failed, message: "\(client.server): output file name '\(file.filename)' of node \(file.nodeID) refused: \(problem)")
            }
            let target = outputDirectory.appendingPathComponent(file.filename)
            let temporary = outputDirectory.appendingPathComponent(".\(file.filename).part")
            let bytes = try await client.view(file, to: temporary)
            do {
                try OutputStore.checkMedia(temporary, claimed: file.mediaType, panelID: "-", name: file.filename)
            } catch {
                _ = try? FileManager.default.removeItem(at: temporary)
                throw CommandFailure(status: .failed, message: "\(client.server): output file '\(file.filename)' of node \(file.nodeID): \(error)")
            }
            _ = try? FileManager.default.removeItem(at: target)
            try FileManager.default.moveItem(at: temporary, to: target)
            let sha = try OutputStore.sha256(of: target)
            files.append(["path": .string(target.path), "node_id": .string(file.nodeID), "bytes": .int(bytes), "sha256": .string(sha),
                          "media_type": .string(file.mediaType.name), "animated": .bool(file.animated),
                          "frame_rate": file.frameRate.map(JSONValue.double) ?? .null])
            if !json { console.output(target.path) }
        }
        if json {
            console.output(JSONValue.object(["event": "completed", "prompt_id": .string(promptID), "server": .string(client.server),
                                             "files": .array(files),
                                             "unfinished_batch": .array(result.unfinishedBatchNodes.map(JSONValue.string))]).serializedString(.compact))
        } else {
            console.error("Completed \(promptID): \(files.count) file\(files.count == 1 ? "" : "s") in \(outputDirectory.path)")
        }
        return .success
    }

    /// Removes the prompt from the server's queue, interrupts it if it runs, and waits (up to 10 s)
    /// until the server no longer lists it, so the next command sees it stopped.
    static func withdraw(_ promptID: String, from client: ComfyClient) async {
        _ = try? await client.withdraw(promptID: promptID)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            guard let queue = try? await client.queue(), queue.contains(promptID) else { return }
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func follow(_ run: PromptRun) async throws -> PromptResult {
        var lastNode: String?
        for try await event in run {
            switch event {
            case .completed(let result):
                if !json { console.rawError("\r\u{1B}[K") }
                return result
            case .server(.executionStart):
                emit(["event": "started", "prompt_id": .string(run.promptID)], human: nil)
            case .server(.progress(let update)):
                if json {
                    console.output(JSONValue.object(["event": "progress", "prompt_id": .string(run.promptID),
                                                     "node": update.node.map(JSONValue.string) ?? .null,
                                                     "step": .int(Int(update.value)), "total": .int(Int(update.max))]).serializedString(.compact))
                } else if console.stderrIsTerminal {
                    console.rawError("\r\u{1B}[K  node \(update.node ?? "?")  step \(Int(update.value))/\(Int(update.max))")
                }
            case .server(.executing(let node?, _, _)) where node != lastNode:
                lastNode = node
            default:
                break
            }
        }
        throw ComfyError.shutDown
    }

    private func emit(_ object: JSONObject, human: String?) {
        if json {
            console.output(JSONValue.object(object).serializedString(.compact))
        } else if let human {
            console.error(human)
        }
    }
}

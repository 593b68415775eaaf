import ComfyWorkflow
import Foundation
import NIOCore
import NIOHTTP1

extension ComfyClient {
    // MARK: Queue

    /// `GET /queue`: the running and waiting prompts, waiting ones in execution order. Retried when transient.
    public func queue() async throws(ComfyError) -> QueueSnapshot {
        try checkOpen()
        return try QueueSnapshot(json: try await transport.getJSON("/queue"), route: "GET /queue")
    }

    /// `GET /prompt`: how many prompts are waiting or running.
    public func queueRemaining() async throws(ComfyError) -> Int {
        try checkOpen()
        let json = try await transport.getJSON("/prompt")
        guard let remaining = json["exec_info"]?["queue_remaining"]?.intValue else {
            throw ComfyError.malformedReply(route: "GET /prompt", field: "exec_info.queue_remaining", reason: "expected an integer")
        }
        return remaining
    }

    /// `POST /queue {"clear": true}`: removes every waiting prompt; the running one continues (see `interrupt`).
    public func clearQueue() async throws(ComfyError) {
        try await postExpectingOK("/queue", ["clear": true])
    }

    /// `POST /queue {"delete": [...]}`: removes these waiting prompts; unknown or running ids are ignored by the server.
    public func deleteFromQueue(_ promptIDs: [String]) async throws(ComfyError) {
        try await postExpectingOK("/queue", ["delete": .array(promptIDs.map(JSONValue.string))])
    }

    // MARK: History

    /// `GET /history/{id}`: the finished prompt's entry, or nil when the server does not have it (pending, running or unknown).
    public func history(promptID: String) async throws(ComfyError) -> HistoryEntry? {
        try checkOpen()
        let route = "/history/" + ServerEndpoint.escape(promptID)
        let json = try await transport.getJSON(route)
        guard let object = json.objectValue else {
            throw ComfyError.malformedReply(route: "GET /history/{id}", field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        guard let entry = object[promptID] else { return nil }
        return try HistoryEntry(promptID: promptID, json: entry, route: "GET /history/\(promptID)")
    }

    /// `GET /history?max_items=&offset=`: finished prompts, oldest first; `maxItems` alone gives the most recent ones.
    public func history(maxItems: Int? = nil, offset: Int? = nil) async throws(ComfyError) -> [HistoryEntry] {
        try checkOpen()
        var query: [(String, String)] = []
        if let maxItems { query.append(("max_items", String(maxItems))) }
        if let offset { query.append(("offset", String(offset))) }
        let json = try await transport.getJSON("/history", query: query)
        guard let object = json.objectValue else {
            throw ComfyError.malformedReply(route: "GET /history", field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        var entries: [HistoryEntry] = []
        for (id, entry) in object { entries.append(try HistoryEntry(promptID: id, json: entry, route: "GET /history")) }
        return entries
    }

    /// `POST /history {"clear": true}`: forgets every finished prompt.
    public func clearHistory() async throws(ComfyError) {
        try await postExpectingOK("/history", ["clear": true])
    }

    /// `POST /history {"delete": [...]}`: forgets these finished prompts.
    public func deleteHistory(_ promptIDs: [String]) async throws(ComfyError) {
        try await postExpectingOK("/history", ["delete": .array(promptIDs.map(JSONValue.string))])
    }

    // MARK: Control

    /// `POST /interrupt`: stops the running prompt at its next node boundary or progress tick.
    ///
    /// With a `promptID`, only that prompt is interrupted and only if it is the one running; a waiting or unknown
    /// id is silently ignored by the server. Without one, whatever runs is interrupted.
    public func interrupt(promptID: String? = nil) async throws(ComfyError) {
        let body: JSONValue = promptID.map { ["prompt_id": .string($0)] } ?? [:]
        try await postExpectingOK("/interrupt", body)
    }

    /// `POST /free`: unloads models and/or frees memory; `freeMemory` also clears the execution cache.
    ///
    /// The server acts on it when it is next idle, not immediately.
    public func free(unloadModels: Bool = true, freeMemory: Bool = true) async throws(ComfyError) {
        try await postExpectingOK("/free", ["unload_models": .bool(unloadModels), "free_memory": .bool(freeMemory)])
    }

    // MARK: Information

    /// `GET /object_info`: every node definition as the server sent it (decode it with ComfyWorkflow's catalogue).
    public func objectInfo() async throws(ComfyError) -> JSONValue {
        try checkOpen()
        let json = try await transport.getJSON("/object_info")
        guard json.objectValue != nil else {
            throw ComfyError.malformedReply(route: "GET /object_info", field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        return json
    }

    /// `GET /object_info/{class}`: one node definition, or nil when the server has no such class.
    public func objectInfo(nodeClass: String) async throws(ComfyError) -> JSONValue? {
        try checkOpen()
        let route = "/object_info/" + ServerEndpoint.escape(nodeClass)
        let json = try await transport.getJSON(route)
        guard let object = json.objectValue else {
            throw ComfyError.malformedReply(route: "GET /object_info/\(nodeClass)", field: "(root)", reason: "expected an object, got \(json.typeName)")
        }
        return object[nodeClass]
    }

    /// `GET /system_stats`: versions, RAM and the compute device.
    public func systemStats() async throws(ComfyError) -> SystemStats {
        try checkOpen()
        return try SystemStats(json: try await transport.getJSON("/system_stats"), route: "GET /system_stats")
    }

    /// `GET /features`: the server's feature flags.
    public func features() async throws(ComfyError) -> ServerFeatures {
        try checkOpen()
        return try ServerFeatures(json: try await transport.getJSON("/features"), route: "GET /features")
    }

    /// `GET /embeddings`: embedding names without extension.
    public func embeddings() async throws(ComfyError) -> [String] {
        try await stringList("/embeddings")
    }

    /// `GET /models`: the model folder names (`checkpoints`, `loras`, …).
    public func modelFolders() async throws(ComfyError) -> [String] {
        try await stringList("/models")
    }

    /// `GET /models/{folder}`: the model files in a folder, or nil when the server has no such folder (404).
    public func models(in folder: String) async throws(ComfyError) -> [String]? {
        do {
            return try await stringList("/models/" + ServerEndpoint.escape(folder))
        } catch ComfyError.httpStatus(_, 404, _) {
            return nil
        }
    }

    // MARK: Helpers

    func postExpectingOK(_ route: String, _ body: JSONValue) async throws(ComfyError) {
        try checkOpen()
        let reply = try await transport.send(.POST, route, body: body.serialized())
        try transport.expectOK(reply, route: "POST \(route)")
    }

    private func stringList(_ route: String) async throws(ComfyError) -> [String] {
        try checkOpen()
        let json = try await transport.getJSON(route)
        guard let array = json.arrayValue else {
            throw ComfyError.malformedReply(route: "GET \(route)", field: "(root)", reason: "expected an array, got \(json.typeName)")
        }
        var out: [String] = []
        for (i, item) in array.enumerated() {
            guard let s = item.stringValue else {
                throw ComfyError.malformedReply(route: "GET \(route)", field: "[\(i)]", reason: "expected a string, got \(item.typeName)")
            }
            out.append(s)
        }
        return out
    }
}

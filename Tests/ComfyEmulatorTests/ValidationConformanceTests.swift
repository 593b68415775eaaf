import ComfyEmulator
import ComfyWorkflow
import Foundation
import NIOHTTP1
import Testing

@Suite("Validation answers exactly like ComfyUI 0.8 (transcript d)")
struct ValidationConformanceTests {
    @Test func everyRejectedBodyGetsTheRealServersReplyByteForByte() async throws {
        let transcript = try Transcript("d_validation_errors")
        try await Emulators.with { emulator, http in
            let socket = await TestSocket(port: await emulator.port, clientID: "d-client")
            _ = await socket.next()
            for event in transcript.http {
                let request = try #require(event["request"])
                let expected = try #require(event["response"])
                let reply: TestReply
                if let json = request["json"] {
                    reply = try await http.post("/prompt", json: json)
                } else {
                    reply = try await http.post("/prompt", raw: request["raw_body"]?.stringValue ?? "")
                }
                #expect(reply.status == expected["status"]?.intValue, "\(request)")
                if let expectedJSON = expected["json"] {
                    #expect(reply.json == expectedJSON, "\(reply.text)")
                    #expect(reply.headers["Content-Type"].first == "application/json; charset=utf-8")
                } else {
                    #expect(reply.text == expected["text"]?.stringValue)
                    #expect(reply.headers["Content-Type"].first == "text/plain; charset=utf-8")
                }
            }
            // Nothing was queued, so the socket saw no message after its greeting.
            let after = try await http.get("/prompt")
            #expect(after.json?["exec_info"]?["queue_remaining"] == 0)
            await socket.close()
            let frames = await socket.received
            #expect(frames.filter { $0.type != nil }.count == 1)
        }
    }
}

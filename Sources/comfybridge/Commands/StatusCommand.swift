import ArgumentParser
import ComfyAPI
import ComfyWorkflow
import Foundation

/// `comfybridge status`: version, devices, free VRAM and queue of every server.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show each server's version, devices and free VRAM, and its queue.",
        usage: "comfybridge status [<options>]",
        discussion: "Exit 0 when at least one server answered, 3 when none did.")

    @OptionGroup var server: ServerOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let console = Console()
        do {
            if output.verbose { console.error(server.summary()) }
            let configurations = try server.configurations()
            var reachable = 0
            var firstFailure: (any Error)?
            for configuration in configurations {
                let name = configuration.baseURL.absoluteString
                do {
                    let (stats, queue) = try await ComfyClient.withClient(configuration: configuration) { client in
                        (try await client.systemStats(), try await client.queue())
                    }
                    reachable += 1
                    show(server: name, stats: stats, queue: queue, console: console)
                } catch {
                    firstFailure = firstFailure ?? error
                    let failure = ErrorReport.classify(error)
                    if output.json {
                        console.output(JSONValue.object(["server": .string(name), "reachable": false,
                                                         "error": .string(failure.message)]).serializedString(.compact))
                    } else {
                        console.output("\(name): unreachable: \(failure.message)")
                    }
                }
            }
            if reachable == 0, let firstFailure {
                let failure = ErrorReport.classify(firstFailure)
                throw (failure.status == .unreachable ? ExitStatus.unreachable : failure.status).exitCode
            }
        } catch let code as ExitCode {
            throw code
        } catch {
            throw ErrorReport.report(error, verbose: output.verbose, console: console)
        }
    }

    private func show(server name: String, stats: SystemStats, queue: QueueSnapshot, console: Console) {
        if output.json {
            let devices: [JSONValue] = stats.devices.map { device in
                ["name": .string(device.name), "type": .string(device.type),
                 "vram_total": device.vramTotal.map(JSONValue.uint64) ?? .null,
                 "vram_free": device.vramFree.map(JSONValue.uint64) ?? .null]
            }
            let object: JSONValue = [
                "server": .string(name), "reachable": true,
                "comfyui_version": stats.comfyUIVersion.map(JSONValue.string) ?? .null,
                "os": stats.os.map(JSONValue.string) ?? .null,
                "devices": .array(devices),
                "queue": ["running": .int(queue.running.count), "pending": .int(queue.pending.count),
                          "running_ids": .array(queue.running.map { .string($0.promptID) })],
            ]
            console.output(object.serializedString(.compact))
        } else {
            console.output("\(name): ComfyUI \(stats.comfyUIVersion ?? "?")\(stats.os.map { " on \($0)" } ?? "")")
            for device in stats.devices {
                console.output("  device \(device.name): \(Bytes.text(device.vramFree)) free of \(Bytes.text(device.vramTotal))")
            }
            console.output("  queue: \(queue.running.count) running, \(queue.pending.count) pending")
        }
    }
}

/// Byte counts for people.
enum Bytes {
    /// `12.3 GiB`, or `?` when unknown.
    static func text(_ bytes: UInt64?) -> String {
        guard let bytes else { return "?" }
        let units = ["B", "KiB", "MiB", "GiB", "TiB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024, unit < units.count - 1 { value /= 1024; unit += 1 }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

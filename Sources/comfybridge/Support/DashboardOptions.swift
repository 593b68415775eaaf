import ArgumentParser
import Foundation
import StoryCore
import StoryCoreDashboard

/// `--dashboard-token` and `--previews`, shared by `render --dashboard` and `dashboard`.
struct DashboardOptions: ParsableArguments {
    @Option(name: .customLong("dashboard-token"),
            help: ArgumentHelp("Token required to view and use the dashboard (default $COMFYBRIDGE_DASHBOARD_TOKEN); needed when it listens on an address other than loopback. Never printed.", valueName: "token"))
    var token: String?

    @Option(name: .customLong("previews"),
            help: ArgumentHelp("Ask servers for live sampler previews, rendered by this method: auto, taesd, latent2rgb or none (default: auto with a dashboard, none without).", valueName: "method"))
    var previews: String?

    func validate() throws {
        if let previews, PreviewMethod(rawValue: previews.lowercased()) == nil {
            throw ValidationError("--previews '\(previews)': expected auto, taesd, latent2rgb or none")
        }
    }

    /// The token from `--dashboard-token`, else `$COMFYBRIDGE_DASHBOARD_TOKEN`.
    var resolvedToken: String? {
        if let token, !token.isEmpty { return token }
        return ProcessInfo.processInfo.environment["COMFYBRIDGE_DASHBOARD_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The preview method: the flag's, else `fallback`.
    func previewMethod(default fallback: PreviewMethod) -> PreviewMethod {
        previews.flatMap { PreviewMethod(rawValue: $0.lowercased()) } ?? fallback
    }

    /// The listen configuration for `[HOST:]PORT`, checked: a non-loopback host needs a token (bad input, exit 2).
    func configuration(listen: String) throws(CommandFailure) -> DashboardConfiguration {
        do {
            let (host, port) = try DashboardConfiguration.parseListen(listen)
            let configuration = DashboardConfiguration(host: host, port: port, token: resolvedToken)
            try configuration.validate()
            return configuration
        } catch {
            throw .badInput(error.description)
        }
    }
}

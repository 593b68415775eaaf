import Foundation

/// How a chaos campaign runs; every field but the executable and the folder has a documented default.
public struct CampaignConfiguration: Sendable {
    /// Runs in the campaign (default 100).
    public var runs: Int
    /// The campaign seed; run `i` uses `ChaosRandom.runSeed(campaign:run:)` (default 1).
    public var seed: UInt64
    /// Replay only this run seed (the one a failing run printed) instead of deriving run seeds (default nil).
    public var runSeed: UInt64?
    /// The `comfybridge` executable whose `render` is tested.
    public var executable: URL
    /// Where run folders are created; failed runs stay there.
    public var workDirectory: URL
    /// Keep every run's folder, not only failed ones (default false).
    public var keepArtifacts: Bool
    /// Panels in the project (default 16).
    public var panels: Int
    /// Emulated time per sampler step (default 4 ms; 8 steps per panel).
    public var stepTime: Duration
    /// A `render` process running longer than this is killed and counted as a hang (default 120 s).
    public var launchTimeout: Duration
    /// A run whose render has not exited 0 after this many launches fails (default 12).
    public var maxLaunches: Int
    /// The environment `render` runs with; `COMFYUI_URL` and `COMFYUI_TOKEN` are always removed
    /// (default: only `PATH=/usr/bin:/bin`).
    public var environment: [String: String]

    /// Creates a configuration; see each field for its default.
    public init(executable: URL, workDirectory: URL, runs: Int = 100, seed: UInt64 = 1, runSeed: UInt64? = nil,
                keepArtifacts: Bool = false, panels: Int = 16, stepTime: Duration = .milliseconds(4),
                launchTimeout: Duration = .seconds(120), maxLaunches: Int = 12,
                environment: [String: String] = ["PATH": "/usr/bin:/bin"]) {
        self.executable = executable
        self.workDirectory = workDirectory
        self.runs = runs
        self.seed = seed
        self.runSeed = runSeed
        self.keepArtifacts = keepArtifacts
        self.panels = panels
        self.stepTime = stepTime
        self.launchTimeout = launchTimeout
        self.maxLaunches = maxLaunches
        self.environment = environment
    }
}

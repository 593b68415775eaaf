/// Why a chaos campaign could not be set up (a run's broken invariants are reported, not thrown).
public enum CampaignError: Error, Sendable, CustomStringConvertible {
    /// A folder, file, process or emulator needed by the campaign could not be created or started.
    case setup(String)

    /// One line naming what failed.
    public var description: String {
        switch self {
        case .setup(let reason): "chaos campaign setup failed: \(reason)"
        }
    }
}

import Foundation

/// Downtime of a service over a range: how often, how long, how fast it recovered.
public struct DowntimeStatistics: Sendable, Hashable, Codable {
    public var service: String
    public var since: Date
    public var until: Date
    /// Incidents that overlap the range.
    public var incidents: Int
    /// Incidents still open at `until`.
    public var openIncidents: Int
    /// Seconds of downtime inside the range (incidents clipped to it, open ones counted up to `until`).
    public var totalSeconds: TimeInterval
    /// Seconds of the longest incident inside the range.
    public var longestSeconds: TimeInterval
    /// Mean seconds from going down to recovering, over incidents that recovered; nil when none did.
    public var meanTimeToRecoverySeconds: TimeInterval?
    /// Percentage of the range the service was up.
    public var uptimePercent: Double

    public init(
        service: String, since: Date, until: Date, incidents: Int, openIncidents: Int, totalSeconds: TimeInterval,
        longestSeconds: TimeInterval, meanTimeToRecoverySeconds: TimeInterval?, uptimePercent: Double
    ) {
        self.service = service
        self.since = since
        self.until = until
        self.incidents = incidents
        self.openIncidents = openIncidents
        self.totalSeconds = totalSeconds
        self.longestSeconds = longestSeconds
        self.meanTimeToRecoverySeconds = meanTimeToRecoverySeconds
        self.uptimePercent = uptimePercent
    }
}

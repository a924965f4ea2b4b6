import Foundation

/// A period during which a service was unhealthy: from its first failed check to the next passing one.
public struct DowntimeIncident: Sendable, Hashable, Codable {
    public var service: String
    public var start: Date
    /// When the service recovered; nil while the incident is open.
    public var end: Date?
    /// Why the service went down: the error of the first failed check.
    public var reason: String
    /// Whether the service has recovered.
    public var resolved: Bool { end != nil }

    public init(service: String, start: Date, end: Date?, reason: String) {
        self.service = service
        self.start = start
        self.end = end
        self.reason = reason
    }

    /// The length of the incident, counting an open one up to `now`.
    public func duration(now: Date) -> TimeInterval {
        max(0, (end ?? now).timeIntervalSince(start))
    }
}

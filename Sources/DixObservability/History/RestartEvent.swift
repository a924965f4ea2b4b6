import Foundation

/// A restart of a service that dixmgr performed or attempted.
public struct RestartEvent: Sendable, Hashable, Codable {
    public var service: String
    /// Why the service was restarted, e.g. `health check failed 3 times`.
    public var reason: String
    /// Whether the service came back up.
    public var success: Bool
    public var time: Date

    public init(service: String, reason: String, success: Bool, time: Date = Date()) {
        self.service = service
        self.reason = reason
        self.success = success
        self.time = time
    }
}

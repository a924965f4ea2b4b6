import Foundation

/// One message to the channels: an alert that fired, is still firing (a repeat), or resolved.
public struct AlertNotification: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, Codable {
        case firing
        case resolved
    }

    public var alert: Alert
    /// Whether this repeats a firing alert already notified.
    public var isRepeat: Bool

    public init(alert: Alert, isRepeat: Bool = false) {
        self.alert = alert
        self.isRepeat = isRepeat
    }

    public var status: Status { alert.isFiring ? .firing : .resolved }

    /// A one-line summary for subjects and log lines: `[FIRING:critical] service_down geth`.
    public var summary: String {
        "[\(status.rawValue.uppercased()):\(alert.severity.rawValue)] \(alert.type.rawValue) \(alert.service)"
    }
}

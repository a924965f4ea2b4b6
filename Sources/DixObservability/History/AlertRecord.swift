import Foundation

/// One alert in history: when it fired and, once it has, when it resolved.
public struct AlertRecord: Sendable, Hashable, Codable {
    /// The alert's identity (see ``Alert/fingerprint``).
    public var fingerprint: String
    public var type: String
    public var severity: String
    public var service: String
    public var message: String
    public var fired: Date
    public var resolved: Date?

    public init(
        fingerprint: String, type: String, severity: String, service: String, message: String, fired: Date,
        resolved: Date? = nil
    ) {
        self.fingerprint = fingerprint
        self.type = type
        self.severity = severity
        self.service = service
        self.message = message
        self.fired = fired
        self.resolved = resolved
    }
}

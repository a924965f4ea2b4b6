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
    /// The alert's extra labels (see ``Alert/labels``), nil when it had none; a record written
    /// before dixmgr kept them has none either.
    public var labels: [String: String]?

    public init(
        fingerprint: String, type: String, severity: String, service: String, message: String, fired: Date,
        resolved: Date? = nil, labels: [String: String]? = nil
    ) {
        self.fingerprint = fingerprint
        self.type = type
        self.severity = severity
        self.service = service
        self.message = message
        self.fired = fired
        self.resolved = resolved
        self.labels = labels?.isEmpty == true ? nil : labels
    }
}

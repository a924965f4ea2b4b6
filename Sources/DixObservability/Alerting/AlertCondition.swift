/// What a rule reports when its condition holds for a service.
public struct AlertCondition: Sendable, Hashable {
    public var severity: AlertSeverity
    public var message: String
    /// Extra labels for the alert; they are part of its identity.
    public var labels: [String: String]

    public init(severity: AlertSeverity, message: String, labels: [String: String] = [:]) {
        self.severity = severity
        self.message = message
        self.labels = labels
    }
}

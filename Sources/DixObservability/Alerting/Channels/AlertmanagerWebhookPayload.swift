import Foundation

/// The JSON body Alertmanager's webhook receiver posts (version "4"), so receivers written for
/// Alertmanager consume dixmgr's alerts unchanged.
public struct AlertmanagerWebhookPayload: Codable, Sendable, Hashable {
    public struct Alert: Codable, Sendable, Hashable {
        public var status: String
        public var labels: [String: String]
        public var annotations: [String: String]
        public var startsAt: String
        public var endsAt: String
        public var generatorURL: String
        public var fingerprint: String
    }

    public var version: String
    public var groupKey: String
    public var truncatedAlerts: Int
    public var status: String
    public var receiver: String
    public var groupLabels: [String: String]
    public var commonLabels: [String: String]
    public var commonAnnotations: [String: String]
    public var externalURL: String
    public var alerts: [Alert]

    /// Alertmanager's zero time, sent as `endsAt` of a firing alert.
    public static let zeroTime = "0001-01-01T00:00:00Z"

    public init(notification: AlertNotification, receiver: String, externalURL: String = "") {
        let alert = notification.alert
        let labels = alert.allLabels
        let annotations = ["summary": notification.summary, "description": alert.message]
        let groupLabels = ["alertname": alert.type.rawValue, "service": alert.service]
        self.version = "4"
        self.groupKey = "{}:{alertname=\"\(alert.type.rawValue)\", service=\"\(alert.service)\"}"
        self.truncatedAlerts = 0
        self.status = notification.status.rawValue
        self.receiver = receiver
        self.groupLabels = groupLabels
        self.commonLabels = labels
        self.commonAnnotations = annotations
        self.externalURL = externalURL
        self.alerts = [
            Alert(
                status: notification.status.rawValue, labels: labels, annotations: annotations,
                startsAt: Self.format(alert.startsAt), endsAt: alert.endsAt.map(Self.format) ?? Self.zeroTime,
                generatorURL: externalURL, fingerprint: alert.fingerprint)
        ]
    }

    static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}

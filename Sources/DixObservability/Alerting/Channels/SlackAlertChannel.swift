import Foundation

/// Posts to a Slack incoming webhook: one attachment per notification, colored by severity
/// (red critical, orange warning, blue info, green resolved).
public struct SlackAlertChannel: AlertChannel {
    struct Payload: Codable, Hashable {
        struct Attachment: Codable, Hashable {
            struct Field: Codable, Hashable {
                var title: String
                var value: String
                var short: Bool
            }

            var color: String
            var fallback: String
            var title: String
            var text: String
            var fields: [Field]
            var footer: String
            var ts: Int
        }

        var text: String
        var username: String?
        var channel: String?
        var attachments: [Attachment]
    }

    public let name: String
    public let webhookURL: URL
    public let channel: String?
    public let username: String?
    private let poster: HTTPJSONPoster

    public init(
        name: String = "slack", webhookURL: URL, channel: String? = nil, username: String? = "dixmgr",
        timeout: Duration = .seconds(10)
    ) {
        self.name = name
        self.webhookURL = webhookURL
        self.channel = channel
        self.username = username
        self.poster = HTTPJSONPoster(channel: name, url: webhookURL, headers: [:], timeout: timeout)
    }

    /// The attachment color for a notification.
    public static func color(for notification: AlertNotification) -> String {
        guard notification.status == .firing else { return "#2eb886" }
        switch notification.alert.severity {
        case .critical: return "#d50200"
        case .warning: return "#ff9f00"
        case .info: return "#439fe0"
        }
    }

    func payload(for notification: AlertNotification) -> Payload {
        let alert = notification.alert
        var fields = [
            Payload.Attachment.Field(title: "Service", value: alert.service, short: true),
            Payload.Attachment.Field(title: "Severity", value: alert.severity.rawValue, short: true),
        ]
        for (label, value) in alert.labels.sorted(by: { $0.key < $1.key }) {
            fields.append(.init(title: label, value: value, short: true))
        }
        let time = alert.endsAt ?? alert.startsAt
        return Payload(
            text: notification.summary, username: username, channel: channel,
            attachments: [
                Payload.Attachment(
                    color: Self.color(for: notification), fallback: "\(notification.summary): \(alert.message)",
                    title: notification.summary, text: alert.message, fields: fields,
                    footer: "dixmgr \u{00B7} \(alert.fingerprint)", ts: Int(time.timeIntervalSince1970))
            ])
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await poster.post(encoder.encode(payload(for: notification)))
    }
}

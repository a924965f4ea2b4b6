import Foundation

/// Sends each notification as a plain-text email over SMTP (libcurl).
///
/// ```swift
/// EmailAlertChannel(smtp: SMTPConfiguration(url: "smtp://127.0.0.1:25", from: "dixmgr@host",
///                                           to: ["ops@example.org"]))
/// ```
public struct EmailAlertChannel: AlertChannel {
    public let name: String
    public let smtp: SMTPConfiguration
    private let client: CurlSMTPClient

    public init(name: String = "email", smtp: SMTPConfiguration) {
        self.name = name
        self.smtp = smtp
        self.client = CurlSMTPClient(configuration: smtp, channel: name)
    }

    public func deliver(_ notification: AlertNotification) async throws {
        try await client.send(message(for: notification))
    }

    /// The RFC 5322 message: headers, a blank line, the body; CRLF line ends.
    func message(for notification: AlertNotification, date: Date = Date()) -> String {
        let alert = notification.alert
        let subject = notification.summary + (notification.isRepeat ? " (repeat)" : "")
        var body = [
            alert.message,
            "",
            "Status:      \(notification.status.rawValue)",
            "Type:        \(alert.type.rawValue)",
            "Severity:    \(alert.severity.rawValue)",
            "Service:     \(alert.service)",
            "Started:     \(AlertmanagerWebhookPayload.format(alert.startsAt))",
        ]
        if let end = alert.endsAt { body.append("Resolved:    \(AlertmanagerWebhookPayload.format(end))") }
        for (label, value) in alert.labels.sorted(by: { $0.key < $1.key }) {
            body.append("\(label): \(value)")
        }
        body.append("Fingerprint: \(alert.fingerprint)")
        let headers = [
            "Date: \(Self.rfc5322Date(date))",
            "From: dixmgr <\(smtp.from)>",
            "To: \(smtp.to.map { "<\($0)>" }.joined(separator: ", "))",
            "Subject: \(subject)",
            "Message-ID: <\(alert.fingerprint).\(Int(date.timeIntervalSince1970 * 1000))@dixmgr>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
            "X-Dixmgr-Fingerprint: \(alert.fingerprint)",
        ]
        return (headers + [""] + body).joined(separator: "\r\n") + "\r\n"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

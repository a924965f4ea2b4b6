import Foundation

/// Posts Alertmanager's webhook JSON (version "4") to a URL.
///
/// ```swift
/// WebhookAlertChannel(url: URL(string: "http://127.0.0.1:5001/alerts")!)
/// ```
public struct WebhookAlertChannel: AlertChannel {
    public let name: String
    public let url: URL
    /// The `receiver` field of the payload.
    public let receiver: String
    private let poster: HTTPJSONPoster

    public init(
        name: String = "webhook", url: URL, receiver: String = "dixmgr", headers: [String: String] = [:],
        timeout: Duration = .seconds(10)
    ) {
        self.name = name
        self.url = url
        self.receiver = receiver
        self.poster = HTTPJSONPoster(channel: name, url: url, headers: headers, timeout: timeout)
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try await poster.post(encoder.encode(AlertmanagerWebhookPayload(notification: notification, receiver: receiver)))
    }
}

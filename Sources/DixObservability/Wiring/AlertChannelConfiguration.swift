import Foundation

/// One alert channel as the host config describes it.
public enum AlertChannelConfiguration: Sendable, Hashable {
    case log
    /// Alertmanager-compatible webhook JSON posted to the URL.
    case webhook(url: URL)
    /// A Slack incoming webhook, optionally overriding its channel.
    case slack(webhookURL: URL, channel: String?)
    case email(SMTPConfiguration)

    /// The channel this configuration describes.
    public func makeChannel() -> any AlertChannel {
        switch self {
        case .log: LogAlertChannel()
        case .webhook(let url): WebhookAlertChannel(url: url)
        case .slack(let url, let channel): SlackAlertChannel(webhookURL: url, channel: channel)
        case .email(let smtp): EmailAlertChannel(smtp: smtp)
        }
    }
}

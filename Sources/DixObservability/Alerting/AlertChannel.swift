/// Somewhere alert notifications go: a log, a webhook, Slack, email.
///
/// `deliver` throws when the receiver did not accept the notification; the dispatcher retries
/// with backoff behind the channel's circuit breaker, so a channel makes one attempt per call.
public protocol AlertChannel: Sendable {
    /// Identifies the channel in logs, metrics and its circuit breaker.
    var name: String { get }
    func deliver(_ notification: AlertNotification) async throws
}

import Logging

/// Writes each notification to the log: critical alerts as errors, warnings as warnings,
/// the rest (info alerts, resolutions) as notices.
public struct LogAlertChannel: AlertChannel {
    public let name: String
    private let logger: Logger

    public init(name: String = "log", logger: Logger = Logger(label: "dixmgr.alerts")) {
        self.name = name
        self.logger = logger
    }

    public func deliver(_ notification: AlertNotification) async throws {
        let alert = notification.alert
        let level: Logger.Level =
            switch (notification.status, alert.severity) {
            case (.firing, .critical): .error
            case (.firing, .warning): .warning
            default: .notice
            }
        logger.log(level: level, "\(notification.summary): \(alert.message)", metadata: [
            "fingerprint": "\(alert.fingerprint)", "repeat": "\(notification.isRepeat)",
        ])
    }
}

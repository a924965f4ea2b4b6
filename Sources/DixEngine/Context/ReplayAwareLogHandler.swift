import Logging

/// Passes workflow log lines on only while the code runs live, so replaying recorded steps
/// does not log them a second time (unless `verbose`).
struct ReplayAwareLogHandler: LogHandler {
    var base: any LogHandler
    let core: RunCore
    let verbose: Bool

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        guard verbose || !core.isReplaying else { return }
        base.log(event: event)
    }
}

import CoreMetrics
import Metrics
import Synchronization

/// The metrics of one activity type, and what the worker learned of it, made once per worker:
/// making a counter or timer asks the metrics backend for it (a registry keyed by label and
/// dimensions), which every attempt of every activity did.
final class ActivityMeters: Sendable {
    let name: String
    let factory: any MetricsFactory
    let duration: Metrics.Timer
    let completed: Counter
    let retried: Counter
    let failed: Counter
    /// A step of this type suspended while it ran in a workflow code's job: the type's later
    /// steps run in tasks of their own (see `RunDriver`, "Activities run in the code's job").
    let suspends = Atomic<Bool>(false)

    init(name: String, factory: any MetricsFactory) {
        self.name = name
        self.factory = factory
        duration = Metrics.Timer(label: "activity_duration_seconds", dimensions: [("type", name)], factory: factory)
        completed = Counter(label: "activity_executions_total", dimensions: [("type", name), ("status", "completed")], factory: factory)
        retried = Counter(label: "activity_executions_total", dimensions: [("type", name), ("status", "retried")], factory: factory)
        failed = Counter(label: "activity_executions_total", dimensions: [("type", name), ("status", "failed")], factory: factory)
    }

    /// Counts an attempt's error (made each time: error types are open-ended).
    func error(_ type: String) {
        Counter(label: "activity_errors_total", dimensions: [("type", name), ("error_type", type)], factory: factory).increment()
    }
}

/// A worker's ``ActivityMeters``, by activity name.
final class ActivityMetersCache: Sendable {
    private let meters = Mutex<[String: ActivityMeters]>([:])

    /// The meters of activity `name`, made with `factory` the first time.
    func meters(for name: String, factory: any MetricsFactory) -> ActivityMeters {
        meters.withLock { meters in
            if let existing = meters[name] { return existing }
            let made = ActivityMeters(name: name, factory: factory)
            meters[name] = made
            return made
        }
    }
}

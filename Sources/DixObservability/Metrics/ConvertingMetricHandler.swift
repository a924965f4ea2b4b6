import CoreMetrics
import Prometheus

/// A swift-metrics handler that feeds a Prometheus metric of another kind than the one asked for.
///
/// The Prometheus registry stops the process when one name is registered as two types. The
/// engine asking for a `Timer` where the catalog says gauge, or a counter arriving under a gauge's
/// name, must not crash a daemon, so the factory hands out this adapter instead: it converts each
/// call into the nearest meaningful operation on the registered metric.
final class ConvertingMetricHandler: CounterHandler, FloatingPointCounterHandler, RecorderHandler, MeterHandler,
    TimerHandler
{
    /// The registered Prometheus metric that receives the values.
    enum Target: Sendable {
        case counter(Prometheus.Counter)
        case gauge(Prometheus.Gauge)
        case durationHistogram(DurationHistogram)
        case valueHistogram(ValueHistogram)
    }

    let target: Target

    init(target: Target) {
        self.target = target
    }

    func increment(by amount: Int64) {
        increment(by: Double(amount))
    }

    func increment(by amount: Double) {
        switch target {
        case .counter(let counter): if amount >= 0 { counter.increment(by: amount) }
        case .gauge(let gauge): gauge.increment(by: amount)
        case .durationHistogram(let histogram): histogram.record(.nanoseconds(Int64(amount * 1e9)))
        case .valueHistogram(let histogram): histogram.record(amount)
        }
    }

    func decrement(by amount: Double) {
        if case .gauge(let gauge) = target { gauge.decrement(by: amount) }
    }

    func reset() {
        switch target {
        case .counter(let counter): counter.reset()
        case .gauge(let gauge): gauge.set(to: 0)
        case .durationHistogram, .valueHistogram: break
        }
    }

    func record(_ value: Int64) {
        record(Double(value))
    }

    func record(_ value: Double) {
        switch target {
        case .counter(let counter): if value >= 0 { counter.increment(by: value) }
        case .gauge(let gauge): gauge.set(to: value)
        case .durationHistogram(let histogram): histogram.record(.nanoseconds(Int64(value * 1e9)))
        case .valueHistogram(let histogram): histogram.record(value)
        }
    }

    func set(_ value: Int64) {
        record(Double(value))
    }

    func set(_ value: Double) {
        record(value)
    }

    func recordNanoseconds(_ duration: Int64) {
        switch target {
        case .durationHistogram(let histogram): histogram.recordNanoseconds(duration)
        default: record(Double(duration) / 1e9)
        }
    }

    func preferDisplayUnit(_ unit: TimeUnit) {}
}

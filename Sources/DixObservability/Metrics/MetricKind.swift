/// The Prometheus type a metric family is exposed as.
public enum MetricKind: Sendable, Hashable {
    /// A monotonically increasing count; the family name ends in `_total`.
    case counter
    /// A value that goes up and down.
    case gauge
    /// A histogram of durations in seconds, with these bucket upper bounds.
    case durationHistogram(buckets: [Duration])
    /// A histogram of plain values, with these bucket upper bounds.
    case valueHistogram(buckets: [Double])

    /// The keyword used in the exposition format's `# TYPE` line.
    public var typeKeyword: String {
        switch self {
        case .counter: "counter"
        case .gauge: "gauge"
        case .durationHistogram, .valueHistogram: "histogram"
        }
    }
}

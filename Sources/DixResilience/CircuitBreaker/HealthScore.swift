/// A health score in `0 ... 1` from success rate (50 %), latency (30 %) and latency jitter (20 %).
///
/// Latency and jitter map to scores by piecewise-linear interpolation between breakpoints:
/// latency 0 → 1, 100 ms → 0.95, 1 s → 0.5, 5 s → 0; jitter 0 → 1, 50 ms → 0.8, 200 ms → 0.3,
/// 500 ms → 0.
///
/// ```swift
/// let score = HealthScore.score(successRate: 1, latency: .milliseconds(100), jitter: .zero)  // 0.985
/// ```
public enum HealthScore {
    /// Breakpoints (seconds, score) for the average latency.
    public static let latencyBreakpoints: [(Double, Double)] = [(0, 1), (0.1, 0.95), (1, 0.5), (5, 0)]
    /// Breakpoints (seconds, score) for the latency jitter.
    public static let jitterBreakpoints: [(Double, Double)] = [(0, 1), (0.05, 0.8), (0.2, 0.3), (0.5, 0)]

    /// The combined score.
    public static func score(successRate: Double, latency: Duration, jitter: Duration) -> Double {
        let success = min(max(successRate, 0), 1)
        let latencyScore = interpolate(latency.seconds, latencyBreakpoints)
        let jitterScore = interpolate(jitter.seconds, jitterBreakpoints)
        return 0.5 * success + 0.3 * latencyScore + 0.2 * jitterScore
    }

    /// The score of `value` on the line through `breakpoints` (ascending x), flat beyond the ends.
    static func interpolate(_ value: Double, _ breakpoints: [(Double, Double)]) -> Double {
        guard let first = breakpoints.first, let last = breakpoints.last else { return 1 }
        if !(value > first.0) { return first.1 }
        if value >= last.0 { return last.1 }
        for index in 1..<breakpoints.count where value <= breakpoints[index].0 {
            let (x0, y0) = breakpoints[index - 1]
            let (x1, y1) = breakpoints[index]
            return y0 + (y1 - y0) * (value - x0) / (x1 - x0)
        }
        return last.1
    }
}

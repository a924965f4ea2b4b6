import Foundation

/// One workload's figures.
struct Measurement: Codable {
    var workload: String
    var synchronous: String
    var count: Int
    var unit: String
    var seconds: Double
    var throughput: Double
    var p50Milliseconds: Double?
    var p99Milliseconds: Double?
    /// What else was measured (size on disk, bytes per scrape) and the goal.
    var detail: String?

    init(workload: String, synchronous: String, count: Int, unit: String, seconds: Double, latencies: [Double] = []) {
        self.workload = workload
        self.synchronous = synchronous
        self.count = count
        self.unit = unit
        self.seconds = seconds
        throughput = Double(count) / seconds
        let sorted = latencies.sorted()
        if !sorted.isEmpty {
            p50Milliseconds = sorted[sorted.count / 2] * 1000
            p99Milliseconds = sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))] * 1000
        }
    }

    var row: [String] {
        [
            workload, synchronous, "\(count)", String(format: "%.0f %@/s", throughput, unit),
            p50Milliseconds.map { String(format: "%.2f ms", $0) } ?? "-",
            p99Milliseconds.map { String(format: "%.2f ms", $0) } ?? "-",
        ]
    }
}

/// Seconds elapsed while `body` runs.
func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func printTable(_ measurements: [Measurement]) {
    let header = ["WORKLOAD", "SYNC", "COUNT", "THROUGHPUT", "P50", "P99"]
    let rows = [header] + measurements.map(\.row)
    let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
    for row in rows {
        print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  "))
    }
    for measurement in measurements {
        if let detail = measurement.detail { print("\(measurement.workload): \(detail)") }
    }
}

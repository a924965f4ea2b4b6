import DixObservability
import Foundation
import Testing

/// The two places health history lives: its own file (WAL pool) and an in-memory database.
enum HistoryBackend: String, CaseIterable, CustomTestStringConvertible {
    case file
    case memory

    var testDescription: String { rawValue }

    func open(
        configuration: HealthHistory.Configuration = .init(), now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> HealthHistory {
        switch self {
        case .file:
            return try HealthHistory(path: TemporaryDirectory.make().appendingPathComponent("health.db").path,
                                     configuration: configuration, now: now)
        case .memory:
            return try HealthHistory.inMemory(configuration: configuration, now: now)
        }
    }
}

enum TemporaryDirectory {
    static func make() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("dixobs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

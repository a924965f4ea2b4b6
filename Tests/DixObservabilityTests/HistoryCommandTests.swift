import DixObservability
import Foundation
import Testing

@Suite("dixctl history commands")
struct HistoryCommandTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15T08:00:00Z

    static func runner() async throws -> HistoryCommandRunner {
        let history = try HistoryBackend.file.open(now: { now })
        let start = now.addingTimeInterval(-3600)
        for minute in 0..<60 {
            let healthy = !(10..<40).contains(minute)
            history.record(HealthEvent(
                service: "geth", type: "http", healthy: healthy, cpuPercent: 20, memoryBytes: 3 << 30,
                diskIOBytesPerSecond: 4096, peers: 12, synced: true, error: healthy ? nil : "HTTP 503",
                time: start.addingTimeInterval(Double(minute) * 60)))
        }
        history.recordRestart(RestartEvent(service: "geth", reason: "3 failed checks", success: true,
                                           time: start.addingTimeInterval(900)))
        history.recordAlertFired(AlertRecord(fingerprint: "f1", type: "service_down", severity: "critical",
                                             service: "geth", message: "geth is down", fired: start.addingTimeInterval(720),
                                             resolved: start.addingTimeInterval(2400)))
        try await history.flush()
        return HistoryCommandRunner(history: history, now: now)
    }

    @Test(arguments: [
        ("7d", 7 * 86_400.0), ("90m", 5400), ("12h", 43_200), ("30s", 30), ("2w", 1_209_600), ("1.5h", 5400),
    ])
    func durationsAreParsed(text: String, seconds: Double) throws {
        #expect(try HistoryTimeParser.duration(text) == seconds)
        #expect(try HistoryTimeParser.date(text, now: Self.now) == Self.now.addingTimeInterval(-seconds))
    }

    @Test(arguments: [
        ("2027-01-14", 1_799_884_800.0), ("2027-01-15T07:00:00Z", 1_799_996_400), ("2027-01-15T09:00:00+02:00", 1_799_996_400),
        ("2027-01-15T07:00:00.500Z", 1_799_996_400.5),
    ])
    func isoDatesAreParsed(text: String, epoch: Double) throws {
        #expect(try HistoryTimeParser.date(text, now: Self.now).timeIntervalSince1970 == epoch)
    }

    @Test(arguments: ["7", "7y", "-3d", "yesterday", "2027-13-45", ""])
    func badTimesAreClearErrors(text: String) {
        #expect(throws: HistoryCommandError.self) { try HistoryTimeParser.date(text, now: Self.now) }
    }

    @Test func eventsAsTableAndJSON() async throws {
        let runner = try await Self.runner()
        let table = try await runner.events(service: "geth", since: "1h", limit: 3)
        let lines = table.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("TIME"))
        #expect(lines[1].contains("3.0 GiB"))
        let json = try await runner.events(service: "geth", since: "2h", limit: 1000, json: true)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let events = try decoder.decode([HealthEvent].self, from: Data(json.utf8))
        #expect(events.count == 60)
        #expect(events.filter { !$0.healthy }.count == 30)
    }

    @Test func uptimeAndDowntime() async throws {
        let runner = try await Self.runner()
        let uptime = try await runner.uptime(service: "geth", since: "1h")
        #expect(uptime == "geth: 50.000% up since 2027-01-15T07:00:00Z (1 incident, 30m 0s down)")
        let json = try await runner.uptime(service: "geth", since: "1h", json: true)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(report["uptimePercent"] as? Double == 50)
        let never = try await runner.uptime(service: "gteh", since: "1h")
        #expect(never.hasPrefix("gteh: uptime unknown: no health events of gteh (services with history: "))
        let downtime = try await runner.downtime(service: "geth", since: "1h")
        #expect(downtime.contains("incidents:              1"))
        #expect(downtime.contains("mean time to recovery:  30m 0s"))
        #expect(downtime.contains("HTTP 503"))
        let downtimeJSON = try await runner.downtime(service: "geth", since: "1h", json: true)
        #expect(downtimeJSON.contains("\"meanTimeToRecoverySeconds\" : 1800"))
    }

    @Test func restartsAlertsAndPurge() async throws {
        let runner = try await Self.runner()
        #expect(try await runner.restarts(since: "1d").contains("3 failed checks"))
        #expect(try await runner.restarts(service: "nginx", since: "1d") == "no restarts since 2027-01-14T08:00:00Z")
        let alerts = try await runner.alerts(service: "geth", since: "1d")
        #expect(alerts.contains("service_down"))
        #expect(alerts.contains("2027-01-15T07:40:00Z"))
        let purge = try await runner.purge(olderThan: "30m")
        #expect(purge.hasPrefix("purged 30 health events, 0 downtime incidents, 1 restarts and 0 alerts older than"))
        #expect(try await runner.events(service: "geth", since: "2h", limit: 1000).split(separator: "\n").count == 31)
    }

    @Test func aMissingDatabaseIsBadInputAndIsNotCreated() throws {
        let path = try TemporaryDirectory.make().appendingPathComponent("absent.db").path
        #expect(throws: HistoryCommandError.self) { try HistoryCommandRunner(databasePath: path) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func badArgumentsAreHistoryCommandErrors() async throws {
        let runner = try await Self.runner()
        await #expect(throws: HistoryCommandError.self) { try await runner.events(service: "geth", limit: 0) }
        await #expect(throws: HistoryCommandError.self) { try await runner.uptime(service: "geth", since: "soon") }
        await #expect(throws: HistoryCommandError.self) { try await runner.purge(olderThan: "2027-01-01") }
        await #expect(throws: HistoryCommandError.self) {
            try await runner.restarts(since: "1h", until: "2h")
        }
    }
}

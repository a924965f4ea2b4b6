import ArgumentParser
import DixHost
import DixObservability
import Foundation

/// `dixctl history`: health events, uptime, downtime, restarts and alerts of services.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Health history: events, uptime, downtime, restarts, alerts, purge.",
        subcommands: [Events.self, Uptime.self, Downtime.self, Restarts.self, Alerts.self, Purge.self])

    /// Where the health history is, shared by every history command.
    struct Location: ParsableArguments {
        @OptionGroup var database: DatabaseOptions

        @Option(
            name: .customLong("health-history-db"),
            help: "Health history database (default: [health_history] path of --conf, else beside the state database).")
        var healthHistoryDB: String?

        func runner() throws -> HistoryCommandRunner {
            try HistoryCommandRunner(
                databasePath: healthHistoryDB ?? ControlDatabase.healthHistoryPath(db: database.db, conf: database.conf))
        }
    }

    /// The time range and output format every listing takes.
    struct Range: ParsableArguments {
        @Option(help: "Start of the range: 7d, 12h, 30m, or an ISO date (default: 24h for events, else 7d).")
        var since: String?
        @Option(help: "End of the range (default: now).") var until: String?
        @Flag(help: "Print JSON.") var json = false
    }

    struct Events: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Health events of a service in a time range.")
        @OptionGroup var location: Location
        @Argument(help: "Service name.") var service: String
        @OptionGroup var range: Range
        @Option(help: "At most this many events.") var limit = 100

        func run() async throws {
            print(try await location.runner().events(
                service: service, since: range.since ?? "24h", until: range.until, limit: limit, json: range.json))
        }
    }

    struct Uptime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Uptime percent of a service since a time.")
        @OptionGroup var location: Location
        @Argument(help: "Service name.") var service: String
        @OptionGroup var range: Range

        func run() async throws {
            print(try await location.runner().uptime(service: service, since: range.since ?? "7d", until: range.until, json: range.json))
        }
    }

    struct Downtime: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Downtime incidents, total, longest and mean time to recovery.")
        @OptionGroup var location: Location
        @Argument(help: "Service name.") var service: String
        @OptionGroup var range: Range

        func run() async throws {
            print(try await location.runner().downtime(service: service, since: range.since ?? "7d", until: range.until, json: range.json))
        }
    }

    struct Restarts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Service restarts.")
        @OptionGroup var location: Location
        @Argument(help: "Service name (default: all).") var service: String?
        @OptionGroup var range: Range
        @Option(help: "At most this many restarts.") var limit = 100

        func run() async throws {
            print(try await location.runner().restarts(
                service: service, since: range.since ?? "7d", until: range.until, limit: limit, json: range.json))
        }
    }

    struct Alerts: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Alerts fired and resolved.")
        @OptionGroup var location: Location
        @Argument(help: "Service name (default: all).") var service: String?
        @OptionGroup var range: Range
        @Option(help: "At most this many alerts.") var limit = 100

        func run() async throws {
            print(try await location.runner().alerts(
                service: service, since: range.since ?? "7d", until: range.until, limit: limit, json: range.json))
        }
    }

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete health history older than a duration, then vacuum.")
        @OptionGroup var location: Location
        @Option(name: .customLong("older-than"), help: "Delete what is older than this: 90d, 12h.") var olderThan: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            print(try await location.runner().purge(olderThan: olderThan, json: json))
        }
    }
}

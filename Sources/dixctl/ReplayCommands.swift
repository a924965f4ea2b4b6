import ArgumentParser
import DixEngine
import DixHost
import DixWorkflows
import Foundation

extension WorkflowCommand {
    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay a run against its recorded history with no side effects (exit 1 on non-determinism).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID (or use --history).") var id: String?
        @Option(name: .long, help: "Replay an exported history file instead of a run in the database.") var history: String?
        @Option(name: .long, help: "With --history: the workflow type to run it against (default: the file's).") var type: String?
        @Flag(name: .long, help: "Show the workflow's log lines while replaying.") var verbose = false
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let report: ReplayReport
            switch (id, history) {
            case (.some(let id), nil):
                let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
                report = try await client.replay(id, verbose: verbose)
            case (nil, .some(let path)):
                guard let data = FileManager.default.contents(atPath: path) else { throw UsageError("cannot read history file \(path)") }
                let decoder = JSONDecoder()
                decoder.dateDecodingStrategy = .iso8601
                var exported: ExportedHistory
                do {
                    exported = try decoder.decode(ExportedHistory.self, from: data)
                } catch {
                    throw UsageError("\(path) is not an exported history: \(error)")
                }
                if let type { exported.run.workflowType = type }
                guard BuiltinWorkflows.registry.workflowTypes.contains(exported.run.workflowType) else {
                    throw UsageError("unknown workflow type '\(exported.run.workflowType)' (known: \(BuiltinWorkflows.registry.workflowTypes.joined(separator: ", ")))")
                }
                report = try await DixEngine.Replayer(registry: BuiltinWorkflows.registry, verbose: verbose).replay(exported: exported)
            default:
                throw UsageError("give a workflow or run ID, or --history FILE")
            }
            print(Render.replay(report, json: json))
            if case .nonDeterministic = report.result { throw ExitCode(1) }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a run's history as JSON (replayable with replay --history).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            let exported = try await client.export(id)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.dateEncodingStrategy = .iso8601
            print(String(decoding: try encoder.encode(exported), as: UTF8.self))
        }
    }

    struct Fork: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a new run of the same type and input whose first N steps are copied from this run.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String
        @Option(name: .customLong("from-step"), help: "Copy steps 0..<N; the new run goes on live from step N.") var fromStep: Int
        @Option(name: .customLong("id"), help: "Workflow ID of the new run.") var newID: String?

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            let run = try await client.fork(id, fromStep: fromStep, newID: newID)
            print("workflow \(run.workflowID)\nrun      \(run.runID)")
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Fork a failed run from the step where it failed.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID of a failed run.") var id: String
        @Option(name: .customLong("id"), help: "Workflow ID of the new run.") var newID: String?

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            let run = try await client.retry(id, newID: newID)
            print("workflow \(run.workflowID)\nrun      \(run.runID)")
        }
    }
}

import ArgumentParser
import DixEngine
import DixHost
import Foundation

extension WorkflowCommand {
    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a workflow (queued if no worker runs); prints its workflow ID and run ID.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "The workflow type, e.g. demo.") var type: String
        @Option(name: .long, help: "Workflow ID (default: the run ID).") var id: String?
        @Option(name: .long, help: "Input as JSON.") var input: String?
        @Option(name: .customLong("input-file"), help: "Input JSON file.") var inputFile: String?
        @Flag(name: .long, help: "Wait for the run to close; exit 1 unless it completed.") var wait = false
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let input = try ControlDatabase.input(inline: input, file: inputFile)
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: true)
            let run = try await client.start(type: type, input: input, id: id)
            if !wait {
                print(json ? Render.json(["workflowID": run.workflowID, "runID": run.runID]) : "workflow \(run.workflowID)\nrun      \(run.runID)")
                return
            }
            if !json { print("workflow \(run.workflowID)\nrun      \(run.runID)") }
            try await printResult(client.result(run.runID, wait: true), json: json)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
        @OptionGroup var database: DatabaseOptions
        @Option(name: .long, help: "Only runs with this status.") var status: String?
        @Option(name: .long, help: "Only runs of this workflow type.") var type: String?
        @Option(name: .long, help: "At most this many runs.") var limit = 50
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            var filter = RunFilter(workflowType: type, limit: limit)
            if let status {
                guard let parsed = RunStatus(rawValue: status) else {
                    throw UsageError("unknown status '\(status)' (one of \(RunStatus.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                filter.status = parsed
            }
            guard limit > 0 else { throw UsageError("--limit must be at least 1") }
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            print(Render.runs(try await client.list(filter), json: json))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a run: status, input, result or error, published status and its steps.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID (its latest run) or run ID.") var id: String
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            print(Render.description(try await client.describe(id), json: json))
        }
    }

    struct Result: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a run's result (exit 1 if it did not complete).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String
        @Flag(name: .long, help: "Wait until the run closes.") var wait = false
        @Flag(name: .long, help: "Print JSON.") var json = false

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            try await printResult(client.result(id, wait: wait), json: json)
        }
    }

    struct Signal: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a signal to a workflow's open run.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String
        @Argument(help: "Signal name.") var name: String
        @Option(name: .long, help: "Payload as JSON.") var payload: String?

        func run() async throws {
            let payload = try payload.map { try ControlDatabase.json(Data($0.utf8), source: "--payload") }
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            try await client.signal(id, name: name, payload: payload)
            print("signal \(name) sent to \(id)")
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ask a run to cancel (it sees it at its next step).")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            let run = try await client.cancel(id)
            print("cancel requested for run \(run.runID) of \(run.workflowID)")
        }
    }

    struct Terminate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Close a run at once, without letting it clean up.")
        @OptionGroup var database: DatabaseOptions
        @Argument(help: "Workflow ID or run ID.") var id: String
        @Option(name: .long, help: "Why (recorded as the run's error).") var reason = "terminated by dixctl"

        func run() async throws {
            let client = try ControlDatabase.client(db: database.db, conf: database.conf, create: false)
            let run = try await client.terminate(id, reason: reason)
            print("terminated run \(run.runID) of \(run.workflowID)")
        }
    }
}

/// Prints a closed run's result; throws (exit 1) unless it completed.
func printResult(_ run: RunRecord, json: Bool) throws {
    if run.status.isOpen {
        throw EngineError(.closed, "run \(run.runID) is still \(run.status.rawValue); use --wait to wait for it")
    }
    if let text = Render.result(run, json: json) { print(text) }
    guard run.status == .completed else {
        throw EngineError(.workflowFailed, "run \(run.runID) \(run.status.rawValue): \(run.error.map { "\($0)" } ?? "no error recorded")")
    }
}

import DixEngine
import DixWorkflows
import Foundation

/// Where dixctl finds the database: `--db`, else the state path of `--conf`, else the default.
public enum ControlDatabase {
    public static func path(db: String?, conf: String?) throws -> String {
        if let db { return db }
        if let conf { return try DixmgrConfig.load(path: conf).statePath }
        return DixmgrConfig.defaults.statePath
    }

    /// Where dixctl finds the health history: the `[health_history] path` of `--conf`, else
    /// beside the state database.
    public static func healthHistoryPath(db: String?, conf: String?) throws -> String {
        if let conf, let path = try DixmgrConfig.load(path: conf).healthHistoryPath { return path }
        return Daemon.healthHistoryPath(forStateAt: try path(db: db, conf: conf))
    }

    /// A client on that database with the built-in workflow types.
    public static func client(db: String?, conf: String?, create: Bool) throws -> WorkflowClient {
        try WorkflowClient(databasePath: path(db: db, conf: conf), registry: BuiltinWorkflows.registry, createIfMissing: create)
    }

    /// Reads `--input` or `--input-file` and checks it is JSON.
    public static func input(inline: String?, file: String?) throws -> Data {
        switch (inline, file) {
        case (.some, .some):
            throw UsageError("give --input or --input-file, not both")
        case (.some(let text), nil):
            return try json(Data(text.utf8), source: "--input")
        case (nil, .some(let path)):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw UsageError("cannot read input file \(path)")
            }
            return try json(data, source: path)
        case (nil, nil):
            return Data("{}".utf8)
        }
    }

    /// Checks that `data` is JSON, naming the source and position when it is not.
    public static func json(_ data: Data, source: String) throws -> Data {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return data
        } catch {
            let reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
            throw UsageError("\(source) is not valid JSON: \(reason)")
        }
    }
}

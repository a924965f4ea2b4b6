import ArgumentParser
import DixEngine
import DixObservability
import Foundation

/// Runs a command-line program the dixmgr way: errors are one line on stderr starting with
/// `error:`; exit 2 for bad input or usage, 1 for a failed operation.
public enum CommandLineRunner {
    public static func main<Command: AsyncParsableCommand>(_ type: Command.Type) async -> Never {
        let command: any ParsableCommand
        do {
            command = try Command.parseAsRoot()
        } catch {
            exitIfHelp(Command.self, error)
            let message = Command.fullMessage(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
            fail(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message, code: 2)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
            exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            exitIfHelp(Command.self, error)
            fail(describe(error), code: exitCode(for: error))
        }
    }

    /// Prints the help `error` asks for and exits 0, if it is such a request. ArgumentParser
    /// makes one while parsing (`--help`), or as a command whose run throws it (a command
    /// group named without one of its commands, and `--help` after a subcommand).
    static func exitIfHelp<Command: ParsableCommand>(_ type: Command.Type, _ error: Error) {
        guard Command.exitCode(for: error) == .success else { return }
        print(Command.fullMessage(for: error))
        exit(0)
    }

    /// 2 for the caller's bad input, 1 for anything that failed.
    public static func exitCode(for error: Error) -> Int32 {
        switch error {
        case let error as EngineError: return error.isInvalidInput ? 2 : 1
        case is ConfigError, is UsageError, is HistoryCommandError: return 2
        default: return 1
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case let error as EngineError: return error.message
        case let error as ConfigError: return error.description
        case let error as UsageError: return error.message
        case let error as HistoryCommandError: return error.description
        default: return String(describing: error)
        }
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("error: \(message.replacingOccurrences(of: "\n", with: " "))\n".utf8))
        exit(code)
    }
}

/// A bad argument found after parsing (exit 2).
public struct UsageError: Error {
    public let message: String
    public init(_ message: String) { self.message = message }
}

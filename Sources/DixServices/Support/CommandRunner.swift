import Foundation
import Subprocess

#if canImport(System)
    import System
#else
    import SystemPackage
#endif

/// The captured result of one finished command.
package struct CommandOutput: Sendable {
    package var status: TerminationStatus
    package var standardOutput: String
    package var standardError: String

    package var succeeded: Bool { status.isSuccess }

    package var exitDescription: String {
        switch status {
        case .exited(let code): "exited with code \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}

/// Runs short commands (systemctl, journalctl) through swift-subprocess and captures their output.
package struct CommandRunner: Sendable {
    /// Extra environment for the commands, on top of the inherited one.
    package var environment: [String: String]
    /// The most output kept per stream.
    package var outputLimit: Int

    package init(environment: [String: String] = [:], outputLimit: Int = 4 << 20) {
        self.environment = environment
        self.outputLimit = outputLimit
    }

    /// Runs `command` (a non-empty argument vector; the first element is looked up in PATH
    /// unless it contains a slash).
    package func run(_ command: [String]) async throws -> CommandOutput {
        guard let program = command.first else {
            throw ServiceManagerError(.invalidConfiguration, "empty command")
        }
        let executable: Executable =
            program.contains("/") ? .path(FilePath(program)) : .name(program)
        var updates: [Environment.Key: String?] = [:]
        for (key, value) in environment {
            if let key = Environment.Key(rawValue: key) { updates[key] = value }
        }
        let result = try await Subprocess.run(
            executable,
            arguments: Arguments(Array(command.dropFirst())),
            environment: .inherit.updating(updates),
            output: .string(limit: outputLimit),
            error: .string(limit: outputLimit))
        return CommandOutput(
            status: result.terminationStatus,
            standardOutput: result.standardOutput,
            standardError: result.standardError)
    }
}

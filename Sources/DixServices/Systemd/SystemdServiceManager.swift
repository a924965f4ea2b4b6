import Foundation
import Logging

/// Manages systemd units through `systemctl` and `journalctl`.
///
/// Every unit name is validated by ``UnitName`` before a command runs. In watch mode, start,
/// stop and restart log the command they would run and return without running it.
///
/// ```swift
/// let systemd = SystemdServiceManager(mode: .execute)
/// _ = try await systemd.restart("nginx")
/// print(try await systemd.status(of: "nginx").activeState)   // active
/// ```
public struct SystemdServiceManager: ServiceManager {
    public let mode: ServiceManagerMode
    public let configuration: SystemdConfiguration
    let logger: Logger
    let runner: CommandRunner

    public init(
        mode: ServiceManagerMode = .watch, configuration: SystemdConfiguration = .init(),
        logger: Logger = Logger(label: "dixmgr.services.systemd")
    ) {
        self.mode = mode
        self.configuration = configuration
        self.logger = logger
        self.runner = CommandRunner(environment: configuration.environment)
    }

    public func start(_ service: String) async throws -> ServiceActionResult {
        try await perform(.start, on: service)
    }

    public func stop(_ service: String) async throws -> ServiceActionResult {
        try await perform(.stop, on: service)
    }

    public func restart(_ service: String) async throws -> ServiceActionResult {
        try await perform(.restart, on: service)
    }

    public func status(of service: String) async throws -> ServiceStatus {
        let unit = try UnitName(service)
        let output = try await systemctl(
            ["show", "--timestamp=unix", "-p", SystemctlShowParser.properties.joined(separator: ","),
             "--", unit.rawValue], unit: unit.rawValue)
        guard let status = try SystemctlShowParser.parse(
            output, fallbackName: unit.rawValue).first
        else {
            throw ServiceManagerError(
                .unexpectedOutput, service: unit.rawValue, "systemctl show printed nothing")
        }
        return status
    }

    public func recentOutput(of service: String, lines: Int) async throws -> [String] {
        let unit = try UnitName(service)
        let count = max(0, lines)
        guard count > 0 else { return [] }
        let output = try await run(
            configuration.journalctlCommand,
            ["-u", unit.rawValue, "-n", String(count), "--no-pager", "-o", "cat"],
            unit: unit.rawValue, tool: "journalctl")
        return output.split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init)
            .filter { !$0.isEmpty && $0 != "-- No entries --" }
            .suffix(count)
            .map { $0 }
    }

    public func list() async throws -> [ServiceStatus] {
        var units = try configuration.units.map { try UnitName($0).rawValue }
        if units.isEmpty {
            let listing = try await systemctl(
                ["list-units", "--type=service", "--all", "--no-legend", "--plain", "--no-pager"],
                unit: nil)
            units = listing.split(separator: "\n").compactMap { line in
                let columns = line.split(separator: " ", omittingEmptySubsequences: true)
                guard columns.count >= 2, columns[1] == "loaded" else { return nil }
                return (try? UnitName(String(columns[0])))?.rawValue
            }
        }
        guard !units.isEmpty else { return [] }
        let output = try await systemctl(
            ["show", "--timestamp=unix", "-p", SystemctlShowParser.properties.joined(separator: ","),
             "--"] + units, unit: nil)
        return try SystemctlShowParser.parse(output)
    }

    // MARK: - Mutations

    private func perform(_ action: ServiceAction, on service: String) async throws
        -> ServiceActionResult
    {
        let unit = try UnitName(service)
        let command = configuration.systemctlCommand + [action.rawValue, "--", unit.rawValue]
        guard mode == .execute else {
            let message = "watch mode: would run \(command.joined(separator: " "))"
            logger.notice("\(message)", metadata: ["unit": "\(unit)"])
            return ServiceActionResult(
                service: unit.rawValue, action: action, performed: false, message: message,
                status: try? await status(of: unit.rawValue))
        }
        let before = try await status(of: unit.rawValue)
        guard before.isLoaded else {
            throw ServiceManagerError(
                .unknownService, service: unit.rawValue, "systemd has no unit of this name")
        }
        if action == .start, before.activeState == .active {
            return ServiceActionResult(
                service: unit.rawValue, action: action, performed: false,
                message: "already active", status: before)
        }
        if action == .stop, before.activeState == .inactive || before.activeState == .failed {
            return ServiceActionResult(
                service: unit.rawValue, action: action, performed: false,
                message: "already \(before.activeState)", status: before)
        }
        logger.info("systemctl \(action.rawValue)", metadata: ["unit": "\(unit)"])
        _ = try await systemctl([action.rawValue, "--", unit.rawValue], unit: unit.rawValue)
        let after = try await status(of: unit.rawValue)
        return ServiceActionResult(
            service: unit.rawValue, action: action, performed: true,
            message: "\(action.rawValue) done; now \(after.activeState) (\(after.subState))",
            status: after)
    }

    // MARK: - Commands

    private func systemctl(_ arguments: [String], unit: String?) async throws -> String {
        try await run(configuration.systemctlCommand, arguments, unit: unit, tool: "systemctl")
    }

    private func run(_ prefix: [String], _ arguments: [String], unit: String?, tool: String)
        async throws -> String
    {
        let command = prefix + arguments
        let output: CommandOutput
        do {
            output = try await runner.run(command)
        } catch let error as ServiceManagerError {
            throw error
        } catch {
            throw ServiceManagerError(
                .commandFailed, service: unit,
                "could not run \(command.joined(separator: " ")): \(error)")
        }
        guard output.succeeded else {
            let detail = output.standardError.trimmingCharacters(in: .whitespacesAndNewlines)
            throw ServiceManagerError(
                .commandFailed, service: unit,
                "\(tool) \(arguments.joined(separator: " ")) \(output.exitDescription)"
                    + (detail.isEmpty ? "" : ": \(detail)"))
        }
        return output.standardOutput
    }
}

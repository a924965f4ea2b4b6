import DixServices
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A real systemd, PID 1 of private namespaces, from `../shared/tools/systemd-sandbox/`.
///
/// Each sandbox has its own working directory and is always brought down. Where it cannot
/// start, ``unavailableReason`` says why; the tests that need it are disabled with that reason
/// as their comment and print it, so they are never skipped silently.
struct SystemdSandbox: Sendable {
    static let script = packageRoot
        .appendingPathComponent("../shared/tools/systemd-sandbox/sdns.sh").standardized.path

    /// Why a sandbox cannot start here, or nil when it can.
    static let unavailableReason: String? = {
        let reason: String? = {
            guard FileManager.default.isExecutableFile(atPath: script) else {
                return "systemd sandbox script not found at \(script)"
            }
            guard getuid() == 0 else { return "the systemd sandbox needs root (uid is \(getuid()))" }
            for tool in ["unshare", "nsenter", "setpriv"] {
                let found = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"].contains {
                    FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)")
                }
                if !found { return "the systemd sandbox needs \(tool) (util-linux)" }
            }
            guard FileManager.default.isExecutableFile(atPath: "/usr/lib/systemd/systemd") else {
                return "systemd is not installed (/usr/lib/systemd/systemd)"
            }
            guard FileManager.default.fileExists(atPath: "/sys/fs/cgroup/unified") else {
                return "the systemd sandbox needs the cgroup2 hierarchy at /sys/fs/cgroup/unified"
            }
            return nil
        }()
        if let reason {
            print("SKIP systemd sandbox tests: \(reason)")
        }
        return reason
    }()

    static var isAvailable: Bool { unavailableReason == nil }
    static var skipComment: Comment { Comment(rawValue: unavailableReason ?? "systemd sandbox available") }

    let directory: String

    var environment: [String: String] { ["SDW": directory, "SD_LIMIT": "600"] }

    /// The backend's configuration that reaches this sandbox's systemd.
    func configuration(units: [String] = []) -> SystemdConfiguration {
        SystemdConfiguration(
            systemctlCommand: [Self.script, "exec", "systemctl"],
            journalctlCommand: [Self.script, "exec", "journalctl"],
            environment: environment, units: units)
    }

    /// Starts a sandbox, runs `body`, and brings the sandbox down whatever happens.
    static func with<T: Sendable>(_ body: (SystemdSandbox) async throws -> T) async throws -> T {
        let directory = "/tmp/dixservices-sd-\(UUID().uuidString.prefix(8))"
        let sandbox = SystemdSandbox(directory: directory)
        let result: Result<T, any Error>
        do {
            try await sandbox.run([script, "up"])
            result = .success(try await body(sandbox))
        } catch {
            result = .failure(error)
        }
        _ = try? await sandbox.run([script, "down"])
        try? FileManager.default.removeItem(atPath: directory)
        return try result.get()
    }

    /// Runs a command inside the sandbox.
    @discardableResult
    func exec(_ arguments: [String]) async throws -> String {
        try await run([Self.script, "exec"] + arguments)
    }

    /// Writes a unit file into the sandbox's /run/systemd/system and reloads.
    func install(unit name: String, _ contents: String) async throws {
        try await exec([
            "sh", "-c", #"mkdir -p /run/systemd/system && printf '%s\n' "$1" > "/run/systemd/system/$2""#,
            "sh", contents, name,
        ])
        try await exec(["systemctl", "daemon-reload"])
    }

    @discardableResult
    private func run(_ command: [String]) async throws -> String {
        let output = try await CommandRunner(environment: environment).run(command)
        guard output.succeeded else {
            throw TestServerError(
                message: "\(command.joined(separator: " ")) \(output.exitDescription): "
                    + output.standardError + output.standardOutput)
        }
        return output.standardOutput
    }
}

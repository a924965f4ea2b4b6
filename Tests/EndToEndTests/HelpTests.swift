import Foundation
import Testing

/// `--help` prints each command's usage on standard output and exits 0, as does a command
/// group named without one of its commands; a bad argument is still an error (exit 2).
@Suite struct HelpTests {
    func run(_ binary: String, _ arguments: [String]) async throws -> (status: Int32, output: String, error: String) {
        try await offThePool { try runBinary(binary, arguments) }
    }

    @Test(arguments: [
        (Binaries.dixmgr, ["--help"], "USAGE: dixmgr"),
        (Binaries.dixctl, ["--help"], "USAGE: dixctl <subcommand>"),
        (Binaries.dixctl, ["workflow", "replay", "--help"], "USAGE: dixctl workflow replay"),
        (Binaries.dixctl, ["workflow"], "USAGE: dixctl workflow <subcommand>"),
    ])
    func helpIsPrintedWithExitZero(binary: String, arguments: [String], usage: String) async throws {
        let result = try await run(binary, arguments)
        #expect(result.status == 0, "\(result.error)")
        #expect(result.output.contains(usage), "\(result.output)")
        #expect(result.error.isEmpty, "\(result.error)")
    }

    @Test func anUnknownCommandIsAnError() async throws {
        let result = try await run(Binaries.dixctl, ["workflow", "bogus"])
        #expect(result.status == 2)
        #expect(result.error == "error: Unexpected argument 'bogus'\n")
    }
}

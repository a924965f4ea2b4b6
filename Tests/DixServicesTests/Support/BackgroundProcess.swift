import Foundation
import Subprocess

#if canImport(Glibc)
    import Glibc
#endif

/// Runs `command` for the duration of `body`, then kills it and its process group (SIGKILL)
/// and waits for it.
///
/// With `waitForFirstLine`, `body` starts once the process printed a line and gets that line
/// (a server's port, a "ready" marker).
func withBackgroundProcess<T: Sendable>(
    _ command: [String], waitForFirstLine: Bool = false,
    _ body: (_ pid: Int32, _ firstLine: String?) async throws -> T
) async throws -> T {
    var options = PlatformOptions()
    options.processGroupID = 0  // its own group, so its children are killed with it
    let result = try await Subprocess.run(
        .name(command[0]), arguments: Arguments(Array(command.dropFirst())),
        platformOptions: options, input: .none, output: .sequence, error: .discarded
    ) { execution in
        defer { try? execution.send(signal: .kill, toProcessGroup: true) }
        var firstLine: String?
        if waitForFirstLine {
            var lines = execution.standardOutput.strings().makeAsyncIterator()
            firstLine = try await lines.next()
        }
        return try await body(execution.processIdentifier.value, firstLine)
    }
    return result.closureResult
}

/// A loopback TCP port that nothing listens on (bound, read, released).
func unusedPort() throws -> Int {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    precondition(descriptor >= 0)
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
            bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
        }
    }
    precondition(bound)
    return Int(UInt16(bigEndian: address.sin_port))
}

import Dispatch
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Waits for a TCP port or an HTTP check, retrying every interval until a timeout.
public struct DependencyWaiter: Sendable {
    let clock: any Clock<Duration>
    let httpChecker: HTTPHealthChecker

    public init(clock: any Clock<Duration> = ContinuousClock()) {
        self.clock = clock
        self.httpChecker = HTTPHealthChecker()
    }

    /// Returns once the target is ready; throws ``DependencyWaitError`` after the timeout.
    /// `onAttempt` is called after each failed attempt (activities heartbeat there).
    public func wait(
        for wait: DependencyWait, onAttempt: @Sendable (Int, String) -> Void = { _, _ in }
    ) async throws -> DependencyWaitResult {
        let started = ContinuousClock.now
        let deadline = started.advanced(by: wait.timeout)
        var attempts = 0
        var lastFailure = "no attempt made"
        while true {
            attempts += 1
            let remaining = deadline - .now
            let attemptTimeout = min(max(remaining, .milliseconds(100)), .seconds(5))
            if let failure = try await attempt(wait.target, timeout: attemptTimeout) {
                lastFailure = failure
                onAttempt(attempts, failure)
            } else {
                return DependencyWaitResult(
                    target: wait.target.description, attempts: attempts,
                    waitedMilliseconds: (ContinuousClock.now - started).milliseconds)
            }
            guard ContinuousClock.now + wait.interval < deadline else {
                throw DependencyWaitError(
                    target: wait.target.description, attempts: attempts, timeout: wait.timeout,
                    lastFailure: lastFailure)
            }
            try await clock.sleep(for: wait.interval)
        }
    }

    /// nil when ready, else why not.
    private func attempt(_ target: DependencyWait.Target, timeout: Duration) async throws -> String? {
        switch target {
        case .tcp(let host, let port):
            return await TCPProbe.connect(host: host, port: port, timeout: timeout)
        case .http(var check):
            check.timeout = min(check.timeout, timeout)
            let result = try await httpChecker.check(check)
            return result.failure.map { "\($0.kind): \($0.message)" }
        }
    }
}

/// One TCP connection attempt, run on a Dispatch queue so a slow connect blocks no task.
enum TCPProbe {
    private static let queue = DispatchQueue(
        label: "dixmgr.services.tcp-probe", attributes: .concurrent)

    /// nil when the port accepted a connection, else why not.
    static func connect(host: String, port: Int, timeout: Duration) async -> String? {
        await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: connectNow(host: host, port: port, timeout: timeout))
            }
        }
    }

    private static func connectNow(host: String, port: Int, timeout: Duration) -> String? {
        guard (1...65535).contains(port) else { return "port \(port) is out of range" }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_family = AF_UNSPEC
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            return "cannot resolve \(host): \(String(cString: gai_strerror(status)))"
        }
        defer { freeaddrinfo(list) }
        var failure = "no address for \(host)"
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let address = entry {
            defer { entry = address.pointee.ai_next }
            let socketDescriptor = socket(
                address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
                address.pointee.ai_protocol)
            guard socketDescriptor >= 0 else { continue }
            defer { close(socketDescriptor) }
            // A send timeout bounds a blocking connect on Linux.
            var limit = timeval(
                tv_sec: Int(timeout.components.seconds),
                tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
            setsockopt(
                socketDescriptor, SOL_SOCKET, SO_SNDTIMEO, &limit,
                socklen_t(MemoryLayout<timeval>.size))
            if Glibc.connect(socketDescriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 {
                return nil
            }
            let code = errno
            failure =
                code == EINPROGRESS || code == EAGAIN
                ? "connect timed out after \(timeout)"
                : "connect failed: \(String(cString: strerror(code)))"
        }
        return failure
    }
}

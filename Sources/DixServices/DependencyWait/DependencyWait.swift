/// What to wait for before going on: a TCP port that accepts, or an HTTP check that passes.
///
/// ```swift
/// let wait = DependencyWait(target: .tcp(host: "127.0.0.1", port: 5432), timeout: .seconds(30))
/// try await DependencyWaiter().wait(for: wait)
/// ```
public struct DependencyWait: Sendable, Hashable, Codable {
    public enum Target: Sendable, Hashable, Codable, CustomStringConvertible {
        case tcp(host: String, port: Int)
        case http(HTTPCheck)

        public var description: String {
            switch self {
            case .tcp(let host, let port): "tcp://\(host):\(port)"
            case .http(let check): check.url
            }
        }
    }

    public var target: Target
    /// The longest the whole wait may take.
    public var timeout: Duration
    /// The pause between attempts.
    public var interval: Duration

    public init(target: Target, timeout: Duration = .seconds(60), interval: Duration = .milliseconds(500)) {
        self.target = target
        self.timeout = timeout
        self.interval = interval
    }
}

/// A dependency that became ready.
public struct DependencyWaitResult: Sendable, Hashable, Codable {
    public var target: String
    public var attempts: Int
    public var waitedMilliseconds: Double
}

/// A dependency that did not become ready in time.
public struct DependencyWaitError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var target: String
    public var attempts: Int
    public var timeout: Duration
    /// Why the last attempt failed.
    public var lastFailure: String

    public var description: String {
        "\(target) not ready after \(timeout) (\(attempts) attempts); last failure: \(lastFailure)"
    }
}

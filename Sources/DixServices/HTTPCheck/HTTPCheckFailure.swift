/// Why an HTTP check is unhealthy.
public struct HTTPCheckFailure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    /// The kind of failure, extensible without breaking callers.
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// Nothing listens on the port (connection refused).
        public static let refused = Kind(rawValue: "refused")
        /// No complete answer within the timeout.
        public static let timeout = Kind(rawValue: "timeout")
        /// The TLS handshake or certificate check failed.
        public static let tls = Kind(rawValue: "tls")
        /// The status is not the expected one.
        public static let badStatus = Kind(rawValue: "bad-status")
        /// The body lacks the substring, is not JSON, lacks the JSON path, or its value is unhealthy.
        public static let badBody = Kind(rawValue: "bad-body")
        /// The host name could not be resolved.
        public static let unresolvedHost = Kind(rawValue: "unresolved-host")
        /// The URL or request is unusable.
        public static let invalidRequest = Kind(rawValue: "invalid-request")
        /// Any other transport failure.
        public static let network = Kind(rawValue: "network")
    }

    public var kind: Kind
    /// The URL checked.
    public var url: String
    public var message: String

    public init(_ kind: Kind, url: String, _ message: String) {
        self.kind = kind
        self.url = url
        self.message = message
    }

    public var description: String { "\(kind): \(url): \(message)" }
}

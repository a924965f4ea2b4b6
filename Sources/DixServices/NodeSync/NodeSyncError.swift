/// A node sync check that got no usable answer. JSON-RPC errors and malformed responses are
/// errors, never a healthy (or unhealthy) verdict.
public struct NodeSyncError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public struct Kind: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The endpoint could not be reached (refused, unresolved, network).
        public static let unreachable = Kind(rawValue: "unreachable")
        /// No answer within the timeout.
        public static let timeout = Kind(rawValue: "timeout")
        /// The HTTP status was not 200.
        public static let badStatus = Kind(rawValue: "bad-status")
        /// The node answered with a JSON-RPC error object.
        public static let rpcError = Kind(rawValue: "rpc-error")
        /// The answer is not a JSON-RPC 2.0 response of the expected shape.
        public static let malformedResponse = Kind(rawValue: "malformed-response")
        /// The URL is unusable.
        public static let invalidRequest = Kind(rawValue: "invalid-request")
    }

    public var kind: Kind
    public var url: String
    /// The JSON-RPC method that failed.
    public var method: String?
    /// The JSON-RPC error code, for `.rpcError`.
    public var rpcCode: Int?
    public var message: String

    public init(
        _ kind: Kind, url: String, method: String? = nil, rpcCode: Int? = nil, _ message: String
    ) {
        self.kind = kind
        self.url = url
        self.method = method
        self.rpcCode = rpcCode
        self.message = message
    }

    public var description: String {
        var text = "\(kind): \(url)"
        if let method { text += " \(method)" }
        if let rpcCode { text += " (code \(rpcCode))" }
        return text + ": \(message)"
    }
}

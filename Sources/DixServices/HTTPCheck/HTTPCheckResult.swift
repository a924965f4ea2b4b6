/// The outcome of one HTTP check.
public struct HTTPCheckResult: Sendable, Hashable, Codable {
    public var url: String
    public var healthy: Bool
    /// The HTTP status, when a response arrived.
    public var statusCode: Int?
    /// From sending the request to having the whole body (or to the failure).
    public var responseTimeMilliseconds: Double
    /// At most ``HTTPHealthChecker/keptBodyBytes`` of the body.
    public var body: String?
    /// The value found at the check's JSON path.
    public var jsonValue: JSONValue?
    /// Why it is unhealthy; nil when healthy.
    public var failure: HTTPCheckFailure?

    public init(
        url: String, healthy: Bool, statusCode: Int? = nil, responseTimeMilliseconds: Double,
        body: String? = nil, jsonValue: JSONValue? = nil, failure: HTTPCheckFailure? = nil
    ) {
        self.url = url
        self.healthy = healthy
        self.statusCode = statusCode
        self.responseTimeMilliseconds = responseTimeMilliseconds
        self.body = body
        self.jsonValue = jsonValue
        self.failure = failure
    }

    /// Throws the failure when unhealthy, for callers that want the engine to retry.
    public func requireHealthy() throws(HTTPCheckFailure) {
        if let failure { throw failure }
    }
}

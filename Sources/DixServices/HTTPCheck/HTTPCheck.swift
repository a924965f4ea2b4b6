/// What an HTTP health check asks and what it accepts as healthy.
///
/// ```swift
/// let check = HTTPCheck(
///     url: "http://127.0.0.1:9615/health", expectedStatus: .anySuccess,
///     jsonPath: "status.healthy")
/// let result = await HTTPHealthChecker().check(check)
/// ```
public struct HTTPCheck: Sendable, Hashable, Codable {
    public var url: String
    public var method: String
    public var headers: [String: String]
    /// A request body, sent as is.
    public var body: String?
    public var timeout: Duration
    public var expectedStatus: ExpectedStatus
    /// The response body must contain this text.
    public var bodyContains: String?
    /// A dotted path into a JSON body whose value must be healthy by its type
    /// (see ``JSONValue/isHealthyValue``).
    public var jsonPath: String?

    public init(
        url: String, method: String = "GET", headers: [String: String] = [:], body: String? = nil,
        timeout: Duration = .seconds(5), expectedStatus: ExpectedStatus = .anySuccess,
        bodyContains: String? = nil, jsonPath: String? = nil
    ) {
        self.url = url
        self.method = method
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.expectedStatus = expectedStatus
        self.bodyContains = bodyContains
        self.jsonPath = jsonPath
    }
}

/// The HTTP status a check accepts.
public enum ExpectedStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Exactly this status.
    case exactly(Int)
    /// Any 2xx status.
    case anySuccess

    public func accepts(_ status: Int) -> Bool {
        switch self {
        case .exactly(let expected): status == expected
        case .anySuccess: (200...299).contains(status)
        }
    }

    public var description: String {
        switch self {
        case .exactly(let status): String(status)
        case .anySuccess: "2xx"
        }
    }

    /// Encoded as the number, or the string "2xx".
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let status = try? container.decode(Int.self) {
            self = .exactly(status)
            return
        }
        let text = try container.decode(String.self)
        if text.lowercased() == "2xx" {
            self = .anySuccess
        } else if let status = Int(text) {
            self = .exactly(status)
        } else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "expected status is a number or \"2xx\", not \(text)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .exactly(let status): try container.encode(status)
        case .anySuccess: try container.encode("2xx")
        }
    }
}

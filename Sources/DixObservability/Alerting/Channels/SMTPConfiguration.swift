/// Where and how the email channel sends mail.
public struct SMTPConfiguration: Sendable, Hashable {
    /// How the connection is secured.
    public enum Security: String, Sendable, Hashable, Codable {
        /// Plain SMTP; for a local relay only.
        case none
        /// STARTTLS when the server offers it, plain otherwise.
        case opportunistic
        /// STARTTLS or fail (use an `smtps://` URL for implicit TLS).
        case required
    }

    /// `smtp://host:port` or `smtps://host:port`.
    public var url: String
    /// The envelope and header sender, e.g. `dixmgr@example.org`.
    public var from: String
    public var to: [String]
    public var username: String?
    public var password: String?
    public var security: Security
    public var timeout: Duration

    public init(
        url: String, from: String, to: [String], username: String? = nil, password: String? = nil,
        security: Security = .opportunistic, timeout: Duration = .seconds(30)
    ) {
        self.url = url
        self.from = from
        self.to = to
        self.username = username
        self.password = password
        self.security = security
        self.timeout = timeout
    }
}

/// A metrics setting that cannot be used, with what is wrong.
public struct MetricsConfigurationError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What is wrong and how to fix it.
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// A health history operation that failed, with what went wrong.
public struct HealthHistoryError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

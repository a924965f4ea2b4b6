/// A rule that cannot be added, enabled or disabled, with why.
public struct AlertRuleError: Error, CustomStringConvertible, Sendable, Equatable {
    public var message: String

    public init(message: String) {
        self.message = message
    }

    public var description: String { message }
}

/// Decides which errors thrown through a circuit breaker count as failures.
///
/// Cancellation (`CancellationError`, or any error thrown by a cancelled task) never counts,
/// whatever the classifier says. Errors that do not count are recorded as ignored: they neither
/// trip nor close the breaker.
///
/// ```swift
/// let classifier = FailureClassifier.ignoring(NotFoundError.self)
/// let onlyTimeouts = FailureClassifier.recording(TimeoutError.self)
/// let custom = FailureClassifier { error in (error as? HTTPError)?.status != 404 }
/// ```
public struct FailureClassifier: Sendable {
    /// Returns whether the error counts as a failure.
    public let isFailure: @Sendable (any Error) -> Bool

    /// Creates a classifier from a predicate.
    public init(_ isFailure: @escaping @Sendable (any Error) -> Bool) {
        self.isFailure = isFailure
    }

    /// Every error counts.
    public static let `default` = FailureClassifier { _ in true }

    /// Only errors of exactly these types count.
    public static func recording(_ types: any Error.Type...) -> FailureClassifier {
        let identifiers = Set(types.map { ObjectIdentifier($0) })
        return FailureClassifier { error in identifiers.contains(ObjectIdentifier(type(of: error))) }
    }

    /// Every error counts except those of exactly these types.
    public static func ignoring(_ types: any Error.Type...) -> FailureClassifier {
        let identifiers = Set(types.map { ObjectIdentifier($0) })
        return FailureClassifier { error in !identifiers.contains(ObjectIdentifier(type(of: error))) }
    }

    /// Whether `error` counts, taking cancellation into account.
    func counts(_ error: any Error) -> Bool {
        if error is CancellationError || Task.isCancelled { return false }
        return isFailure(error)
    }
}

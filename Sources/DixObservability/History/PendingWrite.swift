import Foundation

/// A write accepted by ``HealthHistory`` and not yet committed.
enum PendingWrite: Sendable {
    case event(HealthEvent)
    case restart(RestartEvent)
    case alertFired(AlertRecord)
    case alertResolved(fingerprint: String, at: Date)
}

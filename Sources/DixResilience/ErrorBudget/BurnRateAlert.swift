/// A multiwindow, multi-burn-rate alert condition (Google SRE workbook, chapter 5): it fires
/// when the burn rate over both the long and the short window reaches the threshold.
///
/// The short window makes the alert stop soon after the burning stops.
public struct BurnRateAlert: Sendable, Hashable {
    /// A name for the condition, e.g. `page-fast`.
    public var name: String
    /// The long window, e.g. 1 h.
    public var longWindow: Duration
    /// The short window, e.g. 5 min (1/12 of the long one).
    public var shortWindow: Duration
    /// The burn rate at which the condition holds, e.g. 14.4 (2 % of a 30-day budget in 1 h).
    public var threshold: Double

    /// Creates an alert condition.
    public init(name: String, longWindow: Duration, shortWindow: Duration, threshold: Double) {
        self.name = name
        self.longWindow = longWindow
        self.shortWindow = shortWindow
        self.threshold = threshold
    }

    /// 14.4 over 1 h and 5 min: page.
    public static let fastBurn = BurnRateAlert(name: "fast-burn", longWindow: .seconds(3600), shortWindow: .seconds(300), threshold: 14.4)
    /// 6 over 6 h and 30 min: page.
    public static let mediumBurn = BurnRateAlert(name: "medium-burn", longWindow: .seconds(6 * 3600), shortWindow: .seconds(1800), threshold: 6)
    /// 1 over 3 days and 6 h: ticket.
    public static let slowBurn = BurnRateAlert(name: "slow-burn", longWindow: .seconds(72 * 3600), shortWindow: .seconds(6 * 3600), threshold: 1)
}

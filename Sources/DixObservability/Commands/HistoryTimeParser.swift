import Foundation

/// Parses the time arguments of `dixctl history`: a duration back from now (`90s`, `30m`, `12h`,
/// `7d`, `2w`) or an ISO 8601 date (`2026-11-01`, midnight UTC) or date-time
/// (`2026-11-01T08:30:00Z`, `2026-11-01T08:30:00.250+02:00`).
public enum HistoryTimeParser {
    /// The seconds in a duration like `7d`.
    public static func duration(_ text: String, option: String = "duration") throws -> TimeInterval {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let unit = trimmed.last, let value = Double(trimmed.dropLast()), value >= 0, value.isFinite else {
            throw HistoryCommandError(
                option: option, message: "'\(text)' is not a duration; use a number and s, m, h, d or w, e.g. 7d")
        }
        let multiplier: Double
        switch unit {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86_400
        case "w": multiplier = 604_800
        default:
            throw HistoryCommandError(
                option: option, message: "'\(text)' has unknown unit '\(unit)'; use s, m, h, d or w, e.g. 7d")
        }
        return value * multiplier
    }

    /// The moment `text` names: `now` minus a duration, or an ISO 8601 date or date-time.
    public static func date(_ text: String, now: Date, option: String = "--since") throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let first = trimmed.first, first.isNumber, trimmed.count >= 10, trimmed.contains("-") {
            if let date = isoDate(trimmed) { return date }
            throw HistoryCommandError(
                option: option,
                message: "'\(text)' is not an ISO 8601 date; use e.g. 2026-11-01 or 2026-11-01T08:30:00Z")
        }
        do {
            return now.addingTimeInterval(-(try duration(trimmed, option: option)))
        } catch {
            throw HistoryCommandError(
                option: option,
                message: "'\(text)' is neither a duration (7d, 12h, 30m) nor an ISO 8601 date (2026-11-01)")
        }
    }

    static func isoDate(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
            return date
        }
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        if text.count == 10,
           let date = try? Date(text, strategy: Date.ISO8601FormatStyle().year().month().day()) {
            return date
        }
        return nil
    }
}

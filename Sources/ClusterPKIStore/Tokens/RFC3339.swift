import Foundation

/// RFC 3339 timestamps in UTC with a `Z`, the way Go's `time.RFC3339` prints a UTC time.
public enum RFC3339 {
    /// Formats `date` truncated to whole seconds, e.g. `2026-01-01T00:00:00Z`.
    public static func format(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
            Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec))
    }

    /// Parses an RFC 3339 timestamp (`Z` or a numeric offset, optional fraction); `nil` if malformed.
    public static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}

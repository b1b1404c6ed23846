import Foundation

/// RFC 3339 timestamps in UTC with a `Z`, as Go's `time.RFC3339` prints a UTC time and `metav1.Time` marshals.
public enum RFC3339 {
    /// Formats `date` truncated to whole seconds, e.g. `2026-01-01T00:00:00Z`.
    public static func format(_ date: Date) -> String {
        var time = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&time, &parts)
        // Not String(format:): this runs twice per signed CSR and Foundation's formatter dominated it.
        func padded(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
        }
        return "\(padded(parts.tm_year + 1900, 4))-\(padded(parts.tm_mon + 1, 2))-\(padded(parts.tm_mday, 2))T"
            + "\(padded(parts.tm_hour, 2)):\(padded(parts.tm_min, 2)):\(padded(parts.tm_sec, 2))Z"
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

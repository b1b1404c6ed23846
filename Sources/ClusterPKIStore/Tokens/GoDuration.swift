import Foundation

/// Go `time.Duration` strings (`24h`, `1h30m`, `1.5h`, `0`), as kubeadm's `--ttl` flag takes them.
public enum GoDuration {
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Parses a Go duration into seconds, with Go's `time.ParseDuration` rules and error texts.
    public static func parse(_ text: String) throws -> TimeInterval {
        let invalid = StoreError.invalidDuration(text, reason: "time: invalid duration \(goQuote(text))")
        var s = Substring(text)
        var negative = false
        if let first = s.first, first == "-" || first == "+" {
            negative = first == "-"
            s = s.dropFirst()
        }
        if s == "0" { return 0 }
        if s.isEmpty { throw invalid }
        var total: UInt64 = 0
        while !s.isEmpty {
            guard let c = s.first, c == "." || c.isASCIIDigit else { throw invalid }
            let integerDigits = s.prefix(while: \.isASCIIDigit)
            s = s.dropFirst(integerDigits.count)
            var value: UInt64 = 0
            for d in integerDigits {
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(UInt64(d.asciiValue! - 48))
                guard !o1, !o2, a <= UInt64(Int64.max) else { throw invalid }
                value = a
            }
            var fraction: UInt64 = 0
            var scale: Double = 1
            var fractionDigits = 0
            if s.first == "." {
                s = s.dropFirst()
                let digits = s.prefix(while: \.isASCIIDigit)
                s = s.dropFirst(digits.count)
                fractionDigits = digits.count
                for d in digits where scale < 1e18 {  // Go ignores digits beyond int64 precision too
                    fraction = fraction * 10 + UInt64(d.asciiValue! - 48)
                    scale *= 10
                }
            }
            guard !integerDigits.isEmpty || fractionDigits > 0 else { throw invalid }
            let unitText = s.prefix(while: { $0 != "." && !$0.isASCIIDigit })
            s = s.dropFirst(unitText.count)
            guard !unitText.isEmpty else {
                throw StoreError.invalidDuration(text, reason: "time: missing unit in duration \(goQuote(text))")
            }
            guard let unit = units[String(unitText)] else {
                throw StoreError.invalidDuration(
                    text, reason: "time: unknown unit \(goQuote(String(unitText))) in duration \(goQuote(text))")
            }
            let (whole, o1) = value.multipliedReportingOverflow(by: unit)
            guard !o1, whole <= UInt64(Int64.max) else { throw invalid }
            let part = whole + UInt64((Double(fraction) * Double(unit) / scale).rounded(.down))
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o2, sum <= UInt64(Int64.max) else { throw invalid }
            total = sum
        }
        let seconds = Double(total) / 1e9
        return negative ? -seconds : seconds
    }

    /// Formats seconds like Go's `Duration.String` for whole seconds (`24h0m0s`, `1m30s`, `0s`).
    public static func format(_ seconds: TimeInterval) -> String {
        let sign = seconds < 0 ? "-" : ""
        let magnitude = abs(seconds)
        guard magnitude == magnitude.rounded(), magnitude < 9e15 else { return "\(sign)\(magnitude)s" }
        let total = Int64(magnitude)
        let (h, m, s) = (total / 3600, (total % 3600) / 60, total % 60)
        if h > 0 { return "\(sign)\(h)h\(m)m\(s)s" }
        if m > 0 { return "\(sign)\(m)m\(s)s" }
        return "\(sign)\(s)s"
    }

    /// apimachinery's `ShortHumanDuration` (`45s`, `5m`, `23h`, `6d`, `2y`), used by `token list`'s TTL column.
    public static func shortHuman(_ interval: TimeInterval) -> String {
        // Go converts with int(), which truncates toward zero.
        let seconds = Int(interval)
        if seconds < -1 { return "<invalid>" }
        if seconds < 0 { return "0s" }
        if seconds < 60 { return "\(seconds)s" }
        let minutes = Int(interval / 60)
        if minutes < 60 { return "\(minutes)m" }
        let hours = Int(interval / 3600)
        if hours < 24 { return "\(hours)h" }
        if hours < 24 * 365 { return "\(hours / 24)d" }
        return "\(Int(interval / 3600 / 24 / 365))y"
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}

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

import Foundation

/// Go's `time.ParseDuration`, with its rules and error texts (`time: unknown unit "d" in duration "1d"`).
public enum GoDurationParser {
    private static let units: [String: UInt64] = [
        "ns": 1, "us": 1_000, "\u{00B5}s": 1_000, "\u{03BC}s": 1_000, "ms": 1_000_000,
        "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000,
    ]

    /// Parses a Go duration into seconds, with Go's `time.ParseDuration` rules and error texts.
    public static func seconds(_ text: String) throws(GoDurationSyntaxError) -> TimeInterval {
        let invalid = GoDurationSyntaxError(reason: "time: invalid duration \(goQuote(text))")
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
                throw GoDurationSyntaxError(reason: "time: missing unit in duration \(goQuote(text))")
            }
            guard let unit = units[String(unitText)] else {
                throw GoDurationSyntaxError(
                    reason: "time: unknown unit \(goQuote(String(unitText))) in duration \(goQuote(text))")
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

}

/// Why a string is not a Go duration, in Go's own words.
public struct GoDurationSyntaxError: Error, Equatable, Sendable {
    public let reason: String
}

extension Character {
    fileprivate var isASCIIDigit: Bool { asciiValue.map { (48...57).contains($0) } ?? false }
}

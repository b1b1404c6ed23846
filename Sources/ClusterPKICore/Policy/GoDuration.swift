import Foundation

/// A Go `time.Duration` string (`8760h0m0s`, `90m`, `1h30m`, `0`), the unit kubeadm's YAML and flags use.
public struct GoDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: TimeInterval

    public init(seconds: TimeInterval) { self.seconds = seconds }

    public init(parsing text: String, field: String = "duration") throws {
        do { seconds = try GoDurationParser.seconds(text) } catch { throw PKIError.invalidDuration(text, field: field) }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        let path = decoder.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        self = try GoDuration(parsing: text, field: path)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// Go's canonical form (`time.Duration.String`), e.g. `8760h0m0s`, `1.5ms`; computed on whole nanoseconds
    /// (clamped to Go's range), so that it always reads back as the same duration.
    public var description: String {
        let nanos = (abs(seconds) * 1e9).rounded()
        var value = nanos >= 9.223372036854775807e18 ? UInt64(Int64.max) : UInt64(nanos)
        var text = ""
        if value < 1_000_000_000 {
            let (unit, precision): (String, Int) =
                value == 0 ? ("", 0) : value < 1_000 ? ("ns", 0) : value < 1_000_000 ? ("µs", 3) : ("ms", 6)
            guard !unit.isEmpty else { return "0s" }
            text = Self.fraction(&value, precision) + unit
            text = String(value) + text
        } else {
            text = Self.fraction(&value, 9) + "s"
            text = String(value % 60) + text
            value /= 60
            if value > 0 {
                text = String(value % 60) + "m" + text
                value /= 60
                if value > 0 { text = String(value) + "h" + text }
            }
        }
        return seconds < 0 ? "-" + text : text
    }

    /// Go's `fmtFrac`: the last `precision` digits of `value` as `.ddd` without trailing zeros (nothing if all are
    /// zero); `value` is divided by 10^precision.
    private static func fraction(_ value: inout UInt64, _ precision: Int) -> String {
        var digits = ""
        var printing = false
        for _ in 0..<precision {
            let digit = value % 10
            printing = printing || digit != 0
            if printing { digits = String(digit) + digits }
            value /= 10
        }
        return printing ? "." + digits : ""
    }
}

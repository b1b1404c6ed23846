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

    /// Go's canonical form, e.g. `8760h0m0s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        let magnitude = abs(seconds)
        let text: String
        if magnitude < 1 {
            let nanos = Int((magnitude * 1e9).rounded())
            text = nanos % 1_000_000 == 0 ? "\(nanos / 1_000_000)ms" : (nanos % 1000 == 0 ? "\(nanos / 1000)µs" : "\(nanos)ns")
        } else {
            let whole = Int(magnitude)
            let fraction = magnitude - Double(whole)
            let hours = whole / 3600, minutes = (whole % 3600) / 60
            var secondsText = "\(whole % 60)"
            if fraction > 1e-9 {
                let digits = String(format: "%.9f", fraction).dropFirst(1)  // ".500000000"
                secondsText += String(digits.reversed().drop(while: { $0 == "0" }).reversed())
            }
            text = hours > 0 ? "\(hours)h\(minutes)m\(secondsText)s" : (minutes > 0 ? "\(minutes)m\(secondsText)s" : "\(secondsText)s")
        }
        return seconds < 0 ? "-" + text : text
    }
}

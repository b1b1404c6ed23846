import Foundation

/// A Go `time.Duration` string (`8760h0m0s`, `90m`, `1h30m`, `0`), the unit kubeadm's YAML and flags use.
public struct GoDuration: Sendable, Hashable, Codable, CustomStringConvertible {
    public let seconds: TimeInterval

    public init(seconds: TimeInterval) { self.seconds = seconds }

    public init(parsing text: String, field: String = "duration") throws {
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1), ("m", 60), ("h", 3600)]
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if rest.first == "-" || rest.first == "+" { negative = rest.first == "-"; rest = rest.dropFirst() }
        if rest == "0" { self.seconds = 0; return }
        guard !rest.isEmpty else { throw PKIError.invalidDuration(text, field: field) }
        var total = 0.0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number) else { throw PKIError.invalidDuration(text, field: field) }
            rest = rest.dropFirst(number.count)
            guard let unit = units.filter({ rest.hasPrefix($0.0) }).max(by: { $0.0.count < $1.0.count }) else {
                throw PKIError.invalidDuration(text, field: field)
            }
            rest = rest.dropFirst(unit.0.count)
            total += value * unit.1
        }
        self.seconds = negative ? -total : total
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
        var value = Int(abs(seconds).rounded())
        let hours = value / 3600
        value %= 3600
        let text = hours > 0 ? "\(hours)h\(value / 60)m\(value % 60)s" : (value >= 60 ? "\(value / 60)m\(value % 60)s" : "\(value)s")
        return seconds < 0 ? "-" + text : text
    }
}

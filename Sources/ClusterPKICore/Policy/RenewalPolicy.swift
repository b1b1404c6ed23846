import Foundation
import X509

/// The `renewal:` section of a policy: when `clusterpki rotate` renews a certificate.
///
/// A certificate is due once its remaining lifetime falls below `window` of its total lifetime, capped at
/// `maxWindow` (default: a third of its lifetime, at most 30 days).
public struct RenewalPolicy: Sendable, Codable, Hashable {
    /// The fraction of a certificate's lifetime, written `1/3`, `0.25` or `25%`.
    public var window: String
    /// The longest renewal window, whatever the lifetime.
    public var maxWindow: GoDuration

    public static let `default` = RenewalPolicy(window: "1/3", maxWindow: GoDuration(seconds: 720 * 3600))

    public init(window: String, maxWindow: GoDuration) {
        self.window = window
        self.maxWindow = maxWindow
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        window = try c.decodeIfPresent(String.self, forKey: .window) ?? Self.default.window
        maxWindow = try c.decodeIfPresent(GoDuration.self, forKey: .maxWindow) ?? Self.default.maxWindow
        guard let fraction = Self.fraction(window), fraction > 0, fraction < 1 else {
            throw PKIError.policy(
                field: "renewal.window",
                problem: "\"\(window)\" is not a fraction between 0 and 1; write e.g. 1/3, 0.25 or 25%")
        }
        guard maxWindow.seconds > 0 else {
            throw PKIError.policy(field: "renewal.maxWindow", problem: "must be positive, e.g. 720h")
        }
    }

    /// `window` as a number, or nil when it is not `a/b`, a decimal or a percentage.
    public static func fraction(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%") { return Double(trimmed.dropLast()).map { $0 / 100 } }
        let parts = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        if parts.count == 2, let a = Double(parts[0]), let b = Double(parts[1]), b != 0 { return a / b }
        return parts.count == 1 ? Double(trimmed) : nil
    }

    /// When `certificate` becomes due: NotAfter minus min(window × lifetime, maxWindow).
    public func renewalTime(for certificate: Certificate) -> Date {
        let lifetime = certificate.notValidAfter.timeIntervalSince(certificate.notValidBefore)
        let fraction = Self.fraction(window) ?? 1.0 / 3
        return certificate.notValidAfter - min(max(lifetime, 0) * fraction, maxWindow.seconds)
    }

    /// Whether `certificate` is due for renewal at `now`.
    public func isDue(_ certificate: Certificate, now: Date) -> Bool {
        now >= renewalTime(for: certificate)
    }
}

extension PKIPolicy {
    /// The renewal section, or its defaults.
    public var renewalPolicy: RenewalPolicy { renewal ?? .default }
}

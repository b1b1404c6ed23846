import ClusterPKICore
import ClusterPKIHealth
import Foundation

/// The SVG bar of one certificate: its lifetime from NotBefore to NotAfter, the part before the renewal window, the
/// renewal window itself, and a mark at now; coloured by the stylesheet through the class of each shape.
struct ExpiryTimeline: Sendable {
    static let width = 240.0
    static let height = 14.0

    /// The classes are `tl-valid` (before the window), `tl-window` (inside it), `tl-expired` (the whole bar once
    /// expired) and `tl-now`.
    struct Shape: Sendable {
        var cssClass: String
        var x: String
        var width: String
    }

    var shapes: [Shape] = []
    /// Where the "now" mark stands, clamped to the bar.
    var nowX: String
    /// The tooltip: the dates the bar is drawn from.
    var title: String

    init?(_ status: CertificateStatus, now: Date) {
        guard let notBefore = status.notBefore, let notAfter = status.notAfter, notAfter > notBefore else { return nil }
        let lifetime = notAfter.timeIntervalSince(notBefore)
        func x(_ date: Date) -> Double { min(max(date.timeIntervalSince(notBefore) / lifetime, 0), 1) * Self.width }
        let renewal = x(status.renewalTime ?? notAfter)
        if status.state == .expired {
            shapes = [Shape(cssClass: "tl-expired", x: "0", width: Self.number(Self.width))]
        } else {
            shapes = [
                Shape(cssClass: "tl-valid", x: "0", width: Self.number(renewal)),
                Shape(cssClass: "tl-window", x: Self.number(renewal), width: Self.number(Self.width - renewal)),
            ]
        }
        nowX = Self.number(x(now))
        let format = ExpirationReport.expiresFormat
        title =
            "valid \(format(notBefore)) to \(format(notAfter))"
            + (status.renewalTime.map { "; renewal window from \(format($0))" } ?? "")
    }

    static func number(_ value: Double) -> String { String(format: "%.1f", value) }
}

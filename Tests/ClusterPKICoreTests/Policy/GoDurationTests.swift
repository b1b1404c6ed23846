import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct GoDurationTests {
    static let parsed: [(String, Double)] = [
        ("8760h0m0s", 8760.0 * 3600),
        ("87600h0m0s", 87600.0 * 3600),
        ("24h", 86400),
        ("1h30m", 5400),
        ("90m", 5400),
        ("45s", 45),
        ("1.5h", 5400),
        ("500ms", 0.5),
        ("0", 0),
        ("-5m", -300),
        ("+5m", 300),
    ]

    @Test(arguments: parsed)
    func parsesGoSyntax(_ text: String, _ seconds: Double) throws {
        #expect(try GoDuration(parsing: text).seconds == seconds)
    }

    @Test(arguments: ["", "garbage", "10", "1y", "h", "1h30", "5 m", "--5m", "1d", "m5"])
    func rejectsGarbage(_ text: String) {
        #expect(throws: PKIError.invalidDuration(text, field: "--expiring-within")) {
            try GoDuration(parsing: text, field: "--expiring-within")
        }
    }

    static let described: [(Double, String)] = [
        (8760.0 * 3600, "8760h0m0s"),
        (5400, "1h30m0s"),
        (86400, "24h0m0s"),
        (300, "5m0s"),
        (45, "45s"),
        (0, "0s"),
        (-300, "-5m0s"),
        // Go's time.Duration.String for sub-second values and its extremes.
        (0.0015, "1.5ms"),
        (0.5, "500ms"),
        (0.000_001_5, "1.5µs"),
        (0.000_000_007, "7ns"),
        (60.5, "1m0.5s"),
        (9_223_372_036.854_775_807, "2562047h47m16.854775807s"),
        (-9_223_372_036.854_775_807, "-2562047h47m16.854775807s"),
    ]

    @Test(arguments: described)
    func describesInGoCanonicalForm(_ seconds: Double, _ text: String) {
        #expect(GoDuration(seconds: seconds).description == text)
    }

    @Test(arguments: ["8760h0m0s", "24h", "1h30m", "90m", "0", "-5m", "2160h"])
    func descriptionRoundTrips(_ text: String) throws {
        let duration = try GoDuration(parsing: text)
        #expect(try GoDuration(parsing: duration.description) == duration)
    }

    /// Go prints sub-second parts (`1.5s`, `500ms`); rounding to whole seconds breaks the round trip.
    /// The largest Go duration is found by the go-duration fuzz target: printed from a Double it overflowed Go's range.
    @Test(arguments: [
        "1500ms", "500ms", "1m0.5s", "2562047h47m16.854775807s", "-2562047h47m16.854775807s", "1.000000001s",
    ])
    func subSecondDescriptionRoundTrips(_ text: String) throws {
        let duration = try GoDuration(parsing: text)
        let reparsed = try GoDuration(parsing: duration.description)
        #expect(reparsed == duration, "\(text) is described as \(duration.description)")
    }

    @Test func invalidDurationMessageNamesTheField() {
        let error = PKIError.invalidDuration("1year", field: "certificateValidityPeriod")
        #expect(error.message.contains("certificateValidityPeriod"))
        #expect(error.message.contains("8760h0m0s"))
    }
}

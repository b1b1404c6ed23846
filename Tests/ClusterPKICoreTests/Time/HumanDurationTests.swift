import ClusterPKICore
import Testing

@Suite struct HumanDurationTests {
    static let cases: [(Double, String)] = [
        (0.0, "0s"), (59, "59s"), (60, "1m"), (3599, "59m"), (3600, "1h"), (86399, "23h"), (86400, "1d"),
        (364 * 86400, "364d"), (365 * 86400 - 1, "364d"), (365 * 86400, "1y"), ((87600 - 24) * 3600, "9y"),
        (87600 * 3600, "10y"),
        (-0.5, "0s"), (-1, "0s"), (-2, "<invalid>"), (-86400, "<invalid>"),
    ]

    @Test(arguments: cases)
    func matchesShortHumanDuration(_ seconds: Double, _ expected: String) {
        #expect(HumanDuration.short(seconds: seconds) == expected)
    }

    /// apimachinery truncates with `int(d.Seconds())` before comparing with -1, so -1.5 s is still "0s".
    @Test func truncatesFractionalSecondsLikeGo() {
        #expect(HumanDuration.short(seconds: -1.5) == "0s")
    }
}

import ClusterPKICore
import Foundation
import Testing

@Suite struct RFC3339Tests {
    @Test(arguments: [
        (0.0, "1970-01-01T00:00:00Z"), (1_767_225_600.9, "2026-01-01T00:00:00Z"),
        (1_780_000_005, "2026-05-28T20:26:45Z"),
        (253_402_300_799, "9999-12-31T23:59:59Z"),
    ])
    func timestampsAreRFC3339WithWholeSeconds(_ seconds: Double, _ expected: String) {
        #expect(RFC3339.format(Date(timeIntervalSince1970: seconds)) == expected)
    }
}

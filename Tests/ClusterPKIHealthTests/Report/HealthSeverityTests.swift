import ClusterPKIHealth
import Testing

@Suite struct HealthSeverityTests {
    @Test func ordersFromOkToCritical() {
        #expect(HealthSeverity.allCases.sorted() == [.ok, .info, .warning, .error, .critical])
        #expect(HealthSeverity.warning > .info)
    }

    @Test(arguments: [(HealthSeverity.ok, Int32(0)), (.info, 0), (.warning, 1), (.error, 2), (.critical, 3)])
    func exitCodeByWorstSeverity(_ severity: HealthSeverity, _ code: Int32) {
        #expect(severity.exitCode == code)
    }
}

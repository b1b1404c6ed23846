import ClusterPKICore
import ClusterPKITesting
import Foundation
import Logging
import Testing

@testable import ClusterPKIServer

/// Connections never get the last descriptors: serve lowers `maxConnections` to the open-file limit minus a reserve.
@Suite struct DescriptorLimitTests {
    @Test(arguments: [
        (256 as UInt64, 1000, 192), (4096, 1000, 1000), (1024, 1000, 960), (64, 1000, 1), (10, 5, 1), (100_000, 1, 1),
    ])
    func connectionBudgetLeavesTheReserve(soft: UInt64, requested: Int, budget: Int) {
        #expect(DescriptorLimit(soft: soft, hard: soft).connectionBudget(for: requested) == budget)
    }

    @Test func serveLowersMaxConnectionsBeyondTheHardLimit() throws {
        let limits = try #require(DescriptorLimit.current())
        var policy = try TestSupport.policy("kubeadm")
        var server = policy.serverPolicy
        server.connections.maxConnections = Int(min(limits.hard, 1 << 40)) + 1000
        policy.server = server
        let tree = TreeContext(policy: policy, settings: TestSupport.settings(URL(fileURLWithPath: "/nonexistent")))
        let fitted = ServeLauncher.fittingConnections(in: tree, logger: Logger(label: "test"))
        let after = try #require(DescriptorLimit.current())
        #expect(fitted.policy.serverPolicy.connections.maxConnections == Int(after.soft) - Int(DescriptorLimit.reserve))

        let kubeadm = TreeContext(policy: try TestSupport.policy("kubeadm"), settings: tree.settings)
        let unchanged = ServeLauncher.fittingConnections(in: kubeadm, logger: Logger(label: "test"))
        if after.soft >= 1064 { #expect(unchanged.policy.serverPolicy.connections.maxConnections == 1000) }
    }
}

import ClusterPKICore
import ClusterPKIHealth
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// A CA rotation seen by the health model: what the next phase waits for, from the same checks as `finish`.
@Suite struct RotationHealthTests {
    @Test func preparedRotationWaitsForSwitch() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let rotation = try CertificateAuthorityRotation(
                context: tree.context, authority: "ca", store: tree.store, actor: "test")
            _ = try await rotation.run(.prepare)
            let report = await tree.health()
            let finding = try #require(report.finding(.rotation, "ca"))
            #expect(finding.severity == .info)
            #expect(
                finding.message.hasPrefix(
                    "rotation prepared on Jan 01, 2025 00:00 UTC: the next CA is trusted, the current one still signs"))
            #expect(
                finding.fix
                    == "clusterpki ca rotate ca --phase switch --kubernetes-dir \(root.path) --db \(tree.database)")
            let status = try #require(report.rotations.first { $0.subject == "ca" })
            #expect(status.stage == "prepared")
            #expect(status.recordedPhase == "prepared")
            // ca.crt holds two CAs and the kubeconfigs trust both: nothing else is wrong.
            #expect(report.problems == ["rotation info ca"])
            #expect(report.worst == .info)
        }
    }

    @Test func switchedRotationWaitsForWhatStillChainsToThePreviousCA() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let rotation = try CertificateAuthorityRotation(
                context: tree.context, authority: "ca", store: tree.store, actor: "test")
            _ = try await rotation.run(.prepare)
            _ = try await rotation.run(.switch)
            let report = await tree.health()
            let finding = try #require(report.finding(.rotation, "ca"))
            // kubelet.conf is not re-issued by switch (the kubelet renews it through clusterpki serve).
            #expect(finding.severity == .warning)
            #expect(finding.message.contains("finish waits for kubelet.conf (still signed by the previous ca)"))
            // And for the node whose only client certificate in the ledger (kubelet.conf's, from init) predates the switch.
            let waits = try #require(report.rotations.first { $0.subject == "ca" }?.waitsFor)
            #expect(waits.count == 2)
            #expect(waits.first == "kubelet.conf (still signed by the previous ca)")
            #expect(waits.last?.hasPrefix("node system:node:cp-1 (client certificates ") == true)
            // The same refusal finish gives.
            await #expect(throws: RotationError.finishRefused(name: "ca", leaves: ["kubelet.conf"])) {
                try await rotation.run(.finish)
            }
        }
    }

    @Test func finishedRotationIsIdleAgain() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let rotation = try CertificateAuthorityRotation(
                context: tree.context, authority: "front-proxy-ca", store: tree.store, actor: "test")
            for phase in CertificateAuthorityRotation.Phase.allCases { _ = try await rotation.run(phase) }
            let report = await tree.health()
            #expect(report.rotations.first { $0.subject == "front-proxy-ca" }?.stage == "idle")
            #expect(report.findings(in: .rotation).map(\.severity) == [.ok])
        }
    }
}

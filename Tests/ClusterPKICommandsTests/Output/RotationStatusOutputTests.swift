import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// `ca status` and `sa status` lines, as the rotation runbooks and e2e suites grep them.
@Suite struct RotationStatusOutputTests {
    @Test func authorityLines() {
        let phase = RotationPhase(
            subject: "ca", phase: "prepared", updatedAt: referenceNow, actor: "root", detail: "next=sha256:ab")
        let lines = RotationStatusOutput.authorities([("ca", phase, 2), ("etcd-ca", nil, 1)])
        #expect(
            lines == [
                "ca: phase prepared at 2026-01-01T00:00:00Z (next=sha256:ab); trust bundle holds 2 certificate(s)",
                "etcd-ca: phase none recorded; trust bundle holds 1 certificate(s)",
            ])
    }

    @Test func serviceAccountLinesOfAFreshKey() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["sa"])
        let status = try await ServiceAccountKeyRotation.status(context: cluster.context, store: nil)
        let fingerprint = try #require(status.signingKey)
        #expect(
            RotationStatusOutput.serviceAccount(status) == [
                "state: idle",
                "last phase: none recorded",
                "signing key (sa.key): \(fingerprint)",
                "verification keys (sa.pub): \(fingerprint)",
            ])
    }

    @Test func serviceAccountLinesAfterPrepare() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["sa"])
        let store = try cluster.ledger()
        _ = try await ServiceAccountKeyRotation(context: cluster.context, store: store, actor: "root").run(.prepare)
        let status = try await ServiceAccountKeyRotation.status(context: cluster.context, store: store)
        let lines = RotationStatusOutput.serviceAccount(status)
        let recorded = try #require(status.recorded)
        #expect(lines[0] == "state: rotating (prepared; run --phase finish)")
        #expect(
            lines[1]
                == "last phase: \(recorded.phase) at \(recorded.updatedAt.ISO8601Format()) by root (\(recorded.detail))"
        )
        #expect(lines[3] == "verification keys (sa.pub): \(status.verificationKeys.joined(separator: ", "))")
        #expect(status.verificationKeys.count == 2)
    }
}

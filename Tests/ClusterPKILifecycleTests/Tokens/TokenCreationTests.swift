import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKILifecycle

/// `token create`: the flag rules hold before anything is stored; the lines to print.
@Suite struct TokenCreationTests {
    static func creation(ttl: String = "24h0m0s", printJoinCommand: Bool = false, certificateKey: String? = nil) throws
        -> TokenCreation
    {
        try TokenCreation(
            token: "abcdef.0123456789abcdef", ttl: ttl, usages: ["signing,authentication"],
            groups: ["system:bootstrappers:kubeadm:default-node-token"], description: "", maxUses: nil,
            printJoinCommand: printJoinCommand, certificateKey: certificateKey)
    }

    static let key = String(repeating: "0a", count: 32)

    @Test func certificateKeyNeedsPrintJoinCommand() {
        #expect(throws: StoreError.certificateKeyWithoutJoinCommand) { try Self.creation(certificateKey: Self.key) }
    }

    /// The flag rule comes first, even when the TTL is bad too.
    @Test func flagRuleIsCheckedBeforeTheRequest() {
        #expect(throws: StoreError.certificateKeyWithoutJoinCommand) {
            try Self.creation(ttl: "-1h", certificateKey: Self.key)
        }
    }

    @Test func certificateKeyMustBe32HexBytes() {
        #expect(throws: PKIError.self) { try Self.creation(printJoinCommand: true, certificateKey: "abc") }
    }

    @Test func negativeTTLFails() {
        #expect(throws: StoreError.negativeTTL("-5m")) { try Self.creation(ttl: "-5m") }
    }

    @Test func createsTheTokenAndReturnsIt() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let lines = try await Self.creation().create(
            in: store, kubernetesDir: directory.url, actor: "alice", now: referenceNow)
        #expect(lines == ["abcdef.0123456789abcdef"])
        let stored = try await store.token(id: "abcdef", now: referenceNow)
        #expect(stored?.expires == referenceNow + 86400)
    }

    @Test func printsBothJoinCommandsFromAdminConf() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        _ = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        let hash = try DiscoveryHash(of: try #require(try cluster.context.directory.readCertificates("ca")?.first))
        let lines = try await Self.creation(printJoinCommand: true, certificateKey: Self.key)
            .create(in: try cluster.ledger(), kubernetesDir: cluster.kubernetesDir, actor: "alice", now: Date())
        let flags =
            "lb.example.com:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash \(hash) --control-plane --certificate-key \(Self.key)"
        #expect(lines == ["clusterpki join \(flags)", "kubeadm join \(flags)"])
    }

    /// Without admin.conf the join commands cannot be printed; the token is stored all the same (as kubeadm does).
    @Test func missingAdminConfFailsAfterStoring() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        await #expect(throws: KubeconfigError.self) {
            try await Self.creation(printJoinCommand: true).create(
                in: store, kubernetesDir: directory.url, actor: "a", now: referenceNow)
        }
        #expect(try await store.token(id: "abcdef", now: referenceNow) != nil)
    }
}

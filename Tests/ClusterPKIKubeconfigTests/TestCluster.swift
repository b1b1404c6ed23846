import ClusterPKICore
import ClusterPKIStore
import Foundation
import Testing
import X509
@testable import ClusterPKIKubeconfig

/// A cluster tree in a fresh temporary directory (ECDSA P-256 keys, for speed), removed on deinit.
final class TestCluster: @unchecked Sendable {
    let root: URL
    var settings: ClusterSettings
    let policy: PKIPolicy
    let storeKey = StoreKey.random()

    static let policyURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("policies/kubeadm.yaml")

    init(controlPlaneEndpoint: String? = "lb.example.com:6443", clusterName: String = "kubernetes") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var settings = ClusterSettings(kubernetesDir: root.appendingPathComponent("kubernetes"))
        settings.nodeName = "node-1"
        settings.advertiseAddress = "10.0.0.10"
        settings.controlPlaneEndpoint = controlPlaneEndpoint
        settings.clusterName = clusterName
        settings.encryptionAlgorithm = .ecdsaP256
        self.settings = settings
        policy = try PKIPolicy(contentsOf: Self.policyURL)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    var context: TreeContext { TreeContext(policy: policy, settings: settings) }
    var kubernetesDir: URL { settings.kubernetesDir }
    func url(_ file: String) -> URL { kubernetesDir.appendingPathComponent(file) }
    func read(_ file: String) throws -> String { try String(contentsOf: url(file), encoding: .utf8) }

    /// Creates the CA tree (only `ca` unless asked for more).
    @discardableResult
    func makeCertificates(_ names: [String] = ["ca"]) async throws -> Self {
        try await CertsPhase(context: context).generate(names)
        return self
    }

    /// The state store (and its credential ledger) in this cluster's directory.
    func ledger() throws -> SQLiteStateStore {
        try SQLiteStateStore(path: root.appendingPathComponent("state/state.db").path, storeKey: storeKey)
    }

    func caPEM() throws -> String {
        try PEMCertificates.encode([try #require(try context.directory.readCertificates("ca")?.first)])
    }
}

struct MissingValue: Error { var what: String }

extension KubeconfigDocument {
    /// The embedded client certificate, or a test failure.
    func clientCertificate() throws -> Certificate {
        guard let pem = try pem(.clientCertificateData), let certificate = try PEMCertificates.parse(pem, path: path).first else {
            throw MissingValue(what: "client-certificate-data in \(path)")
        }
        return certificate
    }
}

import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKIKubeconfig

@Suite struct KubeconfigPhaseTests {
    struct Expected: Sendable, CustomTestStringConvertible {
        var file: String, commonName: String, organizations: [String], local: Bool
        var testDescription: String { file }
    }

    static let identities = [
        Expected(
            file: "admin.conf", commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins"], local: false),
        Expected(
            file: "super-admin.conf", commonName: "kubernetes-super-admin", organizations: ["system:masters"],
            local: false),
        Expected(file: "kubelet.conf", commonName: "system:node:node-1", organizations: ["system:nodes"], local: false),
        Expected(
            file: "controller-manager.conf", commonName: "system:kube-controller-manager", organizations: [],
            local: true),
        Expected(file: "scheduler.conf", commonName: "system:kube-scheduler", organizations: [], local: true),
    ]

    @Test(arguments: identities)
    func writesIdentityServerAndNames(_ expected: Expected) async throws {
        let cluster = try TestCluster.empty(clusterName: "prod")
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["all"])

        let config = try KubeConfig(yaml: try cluster.read(expected.file), path: expected.file)
        #expect(config.clusters.map(\.name) == ["prod"])
        #expect(
            config.clusters[0].cluster.server
                == (expected.local ? "https://10.0.0.10:6443" : "https://lb.example.com:6443"))
        #expect(config.users.map(\.name) == [expected.commonName])
        #expect(config.currentContext == "\(expected.commonName)@prod")
        #expect(
            config.contexts == [
                .init(context: .init(cluster: "prod", user: expected.commonName), name: "\(expected.commonName)@prod")
            ])
        #expect(
            config.clusters[0].cluster.certificateAuthorityData
                == Data(try cluster.caCertificatePEM().utf8).base64EncodedString())

        let document = try #require(try KubeconfigDocument.load(cluster.url(expected.file)))
        let certificate = try document.clientCertificate()
        let identity = certificate.subject.kubernetesIdentity
        #expect(identity.commonName == expected.commonName)
        #expect(identity.organizations == expected.organizations)
        #expect(try certificate.extensions.extendedKeyUsage.map(Array.init) == [.clientAuth])
        #expect(try certificate.extensions.subjectAlternativeNames == nil)
        let caProfile = try #require(cluster.policy.authority(named: "ca"))
        let authority = try #require(try cluster.context.directory.loadAuthority(caProfile))
        #expect(authority.issued(certificate))
        #expect(abs(certificate.notValidAfter.timeIntervalSince(cluster.context.now) - 8760 * 3600) < 120)
        let key = try PrivateKeyMaterial(pemEncoded: try #require(try document.pem(.clientKeyData)), path: "x")
        #expect(key.publicKey == certificate.publicKey)
        #expect(try document.pem(.clientKeyData)?.hasPrefix("-----BEGIN EC PRIVATE KEY-----") == true)

        let mode =
            try FileManager.default.attributesOfItem(atPath: cluster.url(expected.file).path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func withoutControlPlaneEndpointEveryServerIsTheLocalEndpoint() async throws {
        let cluster = try TestCluster.empty(controlPlaneEndpoint: nil)
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["admin", "scheduler"])
        #expect(
            try KubeConfig(yaml: try cluster.read("admin.conf"), path: "").clusters[0].cluster.server
                == "https://10.0.0.10:6443")
        #expect(!FileManager.default.fileExists(atPath: cluster.url("kubelet.conf").path))
    }

    @Test func printsKubeadmLines() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let lines = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        #expect(
            lines == [
                "[kubeconfig] Using kubeconfig folder \"\(cluster.kubernetesDir.path)\"",
                "[kubeconfig] Writing \"admin.conf\" kubeconfig file",
            ])
    }

    @Test func keepsAnExistingFileSignedForTheSameCA() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let phase = KubeconfigPhase(context: cluster.context)
        try await phase.generate(["admin"])
        let before = try cluster.read("admin.conf")
        let lines = try await phase.generate(["admin"])
        #expect(lines.last == "[kubeconfig] Using existing kubeconfig file: \"\(cluster.url("admin.conf").path)\"")
        #expect(try cluster.read("admin.conf") == before)
    }

    @Test func warnsAboutADifferentServer() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        cluster.settings.controlPlaneEndpoint = "other.example.com"
        let lines = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        #expect(
            lines.contains {
                $0.contains(
                    "unexpected API Server URL: expected: https://other.example.com:6443, got: https://lb.example.com:6443"
                )
            })
    }

    @Test func refusesAnExistingFileOfAnotherCAAndWritesNothing() async throws {
        let other = try TestCluster.empty()
        try await other.makeCertificates()
        try await KubeconfigPhase(context: other.context).generate(["admin"])

        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try FileManager.default.createDirectory(at: cluster.kubernetesDir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: other.url("admin.conf"), to: cluster.url("admin.conf"))
        await #expect(throws: KubeconfigError.wrongCA(path: cluster.url("admin.conf").path)) {
            try await KubeconfigPhase(context: cluster.context).generate(["all"])
        }
        #expect(!FileManager.default.fileExists(atPath: cluster.url("scheduler.conf").path))
    }

    @Test func refusesAnExistingFileThatIsNotYAML() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try FileManager.default.createDirectory(at: cluster.kubernetesDir, withIntermediateDirectories: true)
        try "clusters: [unclosed\n".write(to: cluster.url("scheduler.conf"), atomically: true, encoding: .utf8)
        await #expect {
            try await KubeconfigPhase(context: cluster.context).generate(["all"])
        } throws: { error in
            guard case KubeconfigError.notYAML(let path, _) = error else { return false }
            return path == cluster.url("scheduler.conf").path
        }
        #expect(!FileManager.default.fileExists(atPath: cluster.url("admin.conf").path))
    }

    @Test func externalCACannotMintButKeepsExistingFiles() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        try FileManager.default.removeItem(at: cluster.context.directory.url("ca", "key"))
        let lines = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        #expect(lines.last?.hasPrefix("[kubeconfig] Using existing kubeconfig file") == true)
        await #expect {
            try await KubeconfigPhase(context: cluster.context).generate(["all"])
        } throws: { error in
            guard case KubeconfigError.externalCA(_, let files) = error else { return false }
            return files == ["super-admin.conf", "kubelet.conf", "controller-manager.conf", "scheduler.conf"]
                && (error as? KubeconfigError)?.message.contains("cannot be minted here") == true
        }
    }

    @Test func missingCAIsAClearError() async throws {
        let cluster = try TestCluster.empty()
        await #expect(throws: KubeconfigError.missingCA(path: cluster.context.directory.url("ca", "crt").path)) {
            try await KubeconfigPhase(context: cluster.context).generate(["all"])
        }
    }

    @Test func unknownNameListsTheKnownOnes() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        await #expect(
            throws: KubeconfigError.unknownKubeconfig(
                "bootstrap", known: ["all", "admin", "super-admin", "kubelet", "controller-manager", "scheduler"])
        ) {
            try await KubeconfigPhase(context: cluster.context).generate(["bootstrap"])
        }
    }

    @Test(arguments: ["kubeadm", "hardened"])
    func everyShippedPolicyDescribesTheFiveFiles(_ name: String) throws {
        let url = TestSupport.policyURL("kubeadm").deletingLastPathComponent().appendingPathComponent("\(name).yaml")
        let cluster = try TestCluster.empty()
        let context = TreeContext(policy: try PKIPolicy(contentsOf: url), settings: cluster.settings)
        #expect(try context.kubeconfigSpecs().map(\.file) == Self.identities.map(\.file))
        #expect(try context.kubeconfigSpecs().map(\.commonName) == Self.identities.map(\.commonName))
        #expect(
            context.kubeconfigCredentials.map(\.name) == [
                "admin.conf", "super-admin.conf", "controller-manager.conf", "scheduler.conf",
            ])
    }
}

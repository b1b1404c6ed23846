import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

/// One row of spec 1.1/1.2: a certificate of kubeadm's tree.
struct ExpectedProfile: Sendable, CustomTestStringConvertible {
    let name: String
    let baseName: String
    let issuer: String?
    let commonName: String
    let organizations: [String]
    let extKeyUsages: [ExtKeyUsageName]
    let sans: SANSource
    let localEtcdOnly: Bool

    var testDescription: String { name }

    /// Spec 1.1 and 1.2 (v1.29–v1.36 subjects).
    static let kubeadmTree: [ExpectedProfile] = [
        .init(
            name: "ca", baseName: "ca", issuer: nil, commonName: "kubernetes", organizations: [], extKeyUsages: [],
            sans: .none, localEtcdOnly: false),
        .init(
            name: "front-proxy-ca", baseName: "front-proxy-ca", issuer: nil, commonName: "front-proxy-ca",
            organizations: [], extKeyUsages: [], sans: .none, localEtcdOnly: false),
        .init(
            name: "etcd-ca", baseName: "etcd/ca", issuer: nil, commonName: "etcd-ca", organizations: [],
            extKeyUsages: [], sans: .none, localEtcdOnly: true),
        .init(
            name: "apiserver", baseName: "apiserver", issuer: "ca", commonName: "kube-apiserver", organizations: [],
            extKeyUsages: [.serverAuth], sans: .apiserver, localEtcdOnly: false),
        .init(
            name: "apiserver-kubelet-client", baseName: "apiserver-kubelet-client", issuer: "ca",
            commonName: "kube-apiserver-kubelet-client", organizations: ["kubeadm:cluster-admins"],
            extKeyUsages: [.clientAuth], sans: .none, localEtcdOnly: false),
        .init(
            name: "front-proxy-client", baseName: "front-proxy-client", issuer: "front-proxy-ca",
            commonName: "front-proxy-client", organizations: [], extKeyUsages: [.clientAuth], sans: .none,
            localEtcdOnly: false),
        .init(
            name: "etcd-server", baseName: "etcd/server", issuer: "etcd-ca", commonName: "${nodeName}",
            organizations: [], extKeyUsages: [.serverAuth, .clientAuth], sans: .etcdServer, localEtcdOnly: true),
        .init(
            name: "etcd-peer", baseName: "etcd/peer", issuer: "etcd-ca", commonName: "${nodeName}", organizations: [],
            extKeyUsages: [.serverAuth, .clientAuth], sans: .etcdPeer, localEtcdOnly: true),
        .init(
            name: "etcd-healthcheck-client", baseName: "etcd/healthcheck-client", issuer: "etcd-ca",
            commonName: "kube-etcd-healthcheck-client", organizations: [], extKeyUsages: [.clientAuth], sans: .none,
            localEtcdOnly: true),
        .init(
            name: "apiserver-etcd-client", baseName: "apiserver-etcd-client", issuer: "etcd-ca",
            commonName: "kube-apiserver-etcd-client", organizations: [], extKeyUsages: [.clientAuth], sans: .none,
            localEtcdOnly: true),
    ]

    /// clusterpki's own leaves beyond kubeadm's tree: its client of a stacked etcd that holds the state store.
    static let clusterPKIAdditions: [ExpectedProfile] = [
        .init(
            name: "clusterpki-etcd-client", baseName: "clusterpki-etcd-client", issuer: "etcd-ca",
            commonName: "clusterpki-etcd-client", organizations: [], extKeyUsages: [.clientAuth], sans: .none,
            localEtcdOnly: true)
    ]
}

@Suite struct PKIPolicyTests {
    static let shippedPolicies = ["kubeadm", "hardened"]

    @Test(arguments: shippedPolicies)
    func shippedPolicyLoads(_ name: String) throws {
        let policy = try TestSupport.policy(name)
        #expect(policy.name == name)
        #expect(policy.apiVersion == "clusterpki.io/v1alpha1")
        #expect(policy.kind == "Policy")
        #expect(
            Set(policy.orderedProfiles.map(\.name))
                == Set((ExpectedProfile.kubeadmTree + ExpectedProfile.clusterPKIAdditions).map(\.name)))
        #expect(policy.serviceAccount.name == "sa")
        #expect(policy.serviceAccount.baseName == "sa")
        #expect(policy.validity.certificateAuthority.seconds == 87600 * TestSupport.hour)
        #expect(policy.validity.backdate.seconds == 5 * 60)
    }

    @Test(arguments: ExpectedProfile.kubeadmTree + ExpectedProfile.clusterPKIAdditions)
    func kubeadmPolicyMatchesSpecTree(_ expected: ExpectedProfile) throws {
        let policy = try TestSupport.policy("kubeadm")
        let profile = try #require(policy.orderedProfiles.first { $0.name == expected.name })
        #expect(profile.baseName == expected.baseName)
        #expect(profile.issuer == expected.issuer)
        #expect(profile.commonName == expected.commonName)
        #expect((profile.organizations ?? []) == expected.organizations)
        #expect((profile.extKeyUsages ?? []) == expected.extKeyUsages)
        #expect((profile.subjectAltNames ?? SANSource.none) == expected.sans)
        #expect(profile.requiresLocalEtcd == expected.localEtcdOnly)
        if profile.isCertificateAuthority {
            #expect(Set(profile.keyUsages) == [.digitalSignature, .keyEncipherment, .keyCertSign])
        } else {
            #expect(Set(profile.keyUsages) == [.digitalSignature, .keyEncipherment])
        }
    }

    @Test func kubeadmPolicyUsesKubeadmDefaults() throws {
        let policy = try TestSupport.policy("kubeadm")
        #expect(policy.keyAlgorithm == .rsa2048)
        #expect(policy.keyEnciphermentOnlyForRSA == false)
        #expect(policy.validity.certificate.seconds == 8760 * TestSupport.hour)
        #expect(policy.certificateAuthorities.map(\.name) == ["ca", "front-proxy-ca", "etcd-ca"])
    }

    @Test func nodeNamePlaceholderIsSubstituted() throws {
        let policy = try TestSupport.policy("kubeadm")
        let server = try #require(policy.certificates.first { $0.name == "etcd-server" })
        #expect(server.commonName(nodeName: "infra0") == "infra0")
    }

    @Test func hardenedPolicyIsECDSAWithShortLeaves() throws {
        let policy = try TestSupport.policy("hardened")
        #expect(policy.keyAlgorithm == .ecdsaP256)
        #expect(policy.keyEnciphermentOnlyForRSA)
        #expect(policy.validity.certificate.seconds == 2160 * TestSupport.hour)
        let kubeletClient = try #require(policy.certificates.first { $0.name == "apiserver-kubelet-client" })
        #expect((kubeletClient.organizations ?? []).isEmpty)
    }

    @Test(arguments: ExpectedProfile.kubeadmTree + ExpectedProfile.clusterPKIAdditions)
    func hardenedPolicyKeepsKubeadmTreeShape(_ expected: ExpectedProfile) throws {
        let profile = try #require(
            try TestSupport.policy("hardened").orderedProfiles.first { $0.name == expected.name })
        #expect(profile.baseName == expected.baseName)
        #expect(profile.issuer == expected.issuer)
        #expect(profile.commonName == expected.commonName)
        #expect((profile.extKeyUsages ?? []) == expected.extKeyUsages)
        #expect((profile.subjectAltNames ?? SANSource.none) == expected.sans)
    }

    @Test func generationOrderPutsEachCAFirst() throws {
        let policy = try TestSupport.policy("kubeadm")
        #expect(
            policy.generatableNames == [
                "ca", "apiserver", "apiserver-kubelet-client",
                "front-proxy-ca", "front-proxy-client",
                "etcd-ca", "etcd-server", "etcd-peer", "etcd-healthcheck-client", "apiserver-etcd-client",
                "clusterpki-etcd-client",
                "sa",
            ])
    }

    // MARK: Invalid policies

    struct Mutation: Sendable, CustomTestStringConvertible {
        let label: String
        let old: String
        let new: String
        /// The field path the error must name.
        let field: String
        var testDescription: String { label }
    }

    static let mutations: [Mutation] = [
        Mutation(
            label: "unknown top-level field", old: "name: kubeadm\n", new: "name: kubeadm\nbogus: 1\n", field: "bogus"),
        Mutation(
            label: "unknown field in a certificate",
            old: "    extKeyUsages: [clientAuth]\n    longName: certificate for the API server to connect to kubelet",
            new: "    extKeyUsage: [clientAuth]\n    longName: certificate for the API server to connect to kubelet",
            field: "certificates[1].extKeyUsage"),
        Mutation(
            label: "unknown field in validity", old: "  backdate: 5m", new: "  backdate: 5m\n  grace: 1h",
            field: "validity.grace"),
        Mutation(
            label: "bad duration", old: "  certificate: 8760h", new: "  certificate: 1year",
            field: "validity.certificate"),
        Mutation(
            label: "unknown issuer", old: "    issuer: ca\n    commonName: kube-apiserver\n",
            new: "    issuer: root-ca\n    commonName: kube-apiserver\n", field: "certificates[0].issuer"),
        Mutation(
            label: "empty EKU list", old: "    extKeyUsages: [serverAuth]\n    subjectAltNames: apiserver",
            new: "    extKeyUsages: []\n    subjectAltNames: apiserver", field: "certificates[0].extKeyUsages"),
        Mutation(
            label: "missing EKU list", old: "    extKeyUsages: [serverAuth]\n    subjectAltNames: apiserver",
            new: "    subjectAltNames: apiserver", field: "certificates[0].extKeyUsages"),
        Mutation(
            label: "missing required field", old: "    commonName: kube-apiserver\n", new: "",
            field: "certificates[0].commonName"),
        Mutation(
            label: "unknown EKU value", old: "    extKeyUsages: [serverAuth]\n    subjectAltNames: apiserver",
            new: "    extKeyUsages: [serverAuth, codeSigning]\n    subjectAltNames: apiserver",
            field: "certificates[0].extKeyUsages"),
        Mutation(
            label: "unknown key algorithm", old: "keyAlgorithm: RSA-2048", new: "keyAlgorithm: RSA-1024",
            field: "keyAlgorithm"),
        Mutation(
            label: "CA without keyCertSign",
            old: "    commonName: kubernetes\n    keyUsages: [digitalSignature, keyEncipherment, keyCertSign]",
            new: "    commonName: kubernetes\n    keyUsages: [digitalSignature, keyEncipherment]",
            field: "certificateAuthorities[0].keyUsages"),
        Mutation(
            label: "list where a mapping is expected", old: "serviceAccount:\n  name: sa\n  baseName: sa",
            new: "serviceAccount: [sa]", field: "serviceAccount"),
    ]

    @Test(arguments: mutations)
    func invalidPolicyIsRejectedNamingTheField(_ mutation: Mutation) throws {
        let text = try TestSupport.policyText("kubeadm")
        #expect(text.contains(mutation.old), "fixture drifted: \(mutation.old)")
        let broken = text.replacingOccurrences(of: mutation.old, with: mutation.new)
        let error = try #require(throws: PKIError.self) { try PKIPolicy(yaml: broken, source: "test.yaml") }
        #expect(error.message.contains(mutation.field), "\(error.message)")
    }

    @Test func unknownFieldErrorIsAPolicyErrorWithTheExactPath() throws {
        let text = try TestSupport.policyText("kubeadm").replacingOccurrences(
            of: "    extKeyUsages: [clientAuth]\n    longName: certificate for the API server to connect to kubelet",
            with: "    extKeyUsage: [clientAuth]\n    longName: certificate for the API server to connect to kubelet")
        let error = try #require(throws: PKIError.self) { try PKIPolicy(yaml: text) }
        guard case .policy(let field, let problem) = error else {
            Issue.record("expected PKIError.policy, got \(error)")
            return
        }
        #expect(field == "certificates[1].extKeyUsage")
        #expect(problem.contains("unknown field"))
    }

    @Test func emptyEKUListUsesKubeadmWording() throws {
        let text = try TestSupport.policyText("kubeadm").replacingOccurrences(
            of: "    extKeyUsages: [serverAuth]\n    subjectAltNames: apiserver",
            with: "    extKeyUsages: []\n    subjectAltNames: apiserver")
        #expect(
            throws: PKIError.policy(
                field: "certificates[0].extKeyUsages", problem: "must specify at least one ExtKeyUsage")
        ) {
            try PKIPolicy(yaml: text)
        }
    }

    @Test func missingFieldIsReportedAsRequired() throws {
        let text = try TestSupport.policyText("kubeadm").replacingOccurrences(
            of: "    commonName: kube-apiserver\n", with: "")
        #expect(throws: PKIError.policy(field: "certificates[0].commonName", problem: "required field is missing")) {
            try PKIPolicy(yaml: text)
        }
    }

    @Test(arguments: ["", "key: [unclosed", "- just\n- a list\n"])
    func nonPolicyDocumentIsRejected(_ text: String) {
        #expect(throws: PKIError.self) { try PKIPolicy(yaml: text, source: "bad.yaml") }
    }

    @Test func missingPolicyFileIsAClearError() {
        let url = URL(fileURLWithPath: "/nonexistent/clusterpki/policy.yaml")
        let error = #expect(throws: PKIError.self) { try PKIPolicy(contentsOf: url) }
        #expect(error?.message.contains("--policy") == true)
    }

    // MARK: PolicyLocator

    @Test func locatorReturnsAnExistingPath() throws {
        let path = TestSupport.policyURL("hardened").path
        #expect(try PolicyLocator.locate(path) == .file(URL(fileURLWithPath: path)))
    }

    @Test(arguments: ["/nonexistent/policy.yaml", "no-such-policy-name"])
    func locatorRejectsWhatItCannotFind(_ value: String) {
        #expect(throws: PKIError.self) { try PolicyLocator.locate(value) }
    }
}

import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

@Suite struct CertsPhaseTests {
    typealias Change = @Sendable (inout ClusterSettings) -> Void

    static func context(
        _ root: URL, policy: String = "kubeadm", algorithm: KeyAlgorithm? = .ecdsaP256,
        now: Date = TestSupport.start, _ change: (inout ClusterSettings) -> Void = { _ in }
    ) throws -> TreeContext {
        var settings = TestSupport.settings(root, algorithm: algorithm)
        change(&settings)
        return TreeContext(policy: try TestSupport.policy(policy), settings: settings, now: now)
    }

    /// Spec 1.1: every file of the default tree with local etcd.
    static let kubeadmFiles: Set<String> = [
        "ca.crt", "ca.key", "apiserver.crt", "apiserver.key", "apiserver-kubelet-client.crt",
        "apiserver-kubelet-client.key",
        "front-proxy-ca.crt", "front-proxy-ca.key", "front-proxy-client.crt", "front-proxy-client.key",
        "etcd/ca.crt", "etcd/ca.key", "etcd/server.crt", "etcd/server.key", "etcd/peer.crt", "etcd/peer.key",
        "etcd/healthcheck-client.crt", "etcd/healthcheck-client.key", "apiserver-etcd-client.crt",
        "apiserver-etcd-client.key",
        "sa.key", "sa.pub",
    ]

    static func visibleFiles(_ root: URL) throws -> Set<String> {
        Set(
            try TestSupport.snapshot(root).filter {
                !$0.key.split(separator: "/").contains { $0.hasPrefix(".") } && $0.value.hasPrefix("f")
            }.keys)
    }

    static func pki(_ context: TreeContext) -> URL { context.directory.root }

    /// Generates the tree, then checks that `body` fails with an error and leaves every file as it was.
    static func expectUnchanged(
        _ context: TreeContext, names: [String] = ["all"], sourceLocation: SourceLocation = #_sourceLocation,
        _ check: (PKIError) -> Void
    ) async throws {
        let before = try TestSupport.snapshot(pki(context))
        do {
            try await CertsPhase(context: context).generate(names)
            Issue.record("generate \(names) succeeded; expected an error", sourceLocation: sourceLocation)
        } catch let error as PKIError {
            check(error)
        }
        #expect(
            try TestSupport.snapshot(pki(context)) == before, "the directory changed", sourceLocation: sourceLocation)
    }

    // MARK: Fresh tree

    @Test func generateAllWritesKubeadmFilesWithKubeadmLines() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            let lines = try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context).path
            #expect(
                lines == [
                    "[certs] Using certificateDir folder \"\(pki)\"",
                    "[certs] Generating \"ca\" certificate and key",
                    "[certs] Generating \"apiserver\" certificate and key",
                    "[certs] apiserver serving cert is signed for DNS names [cp-1 kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local] and IPs [10.96.0.1 10.0.0.10]",
                    "[certs] Generating \"apiserver-kubelet-client\" certificate and key",
                    "[certs] Generating \"front-proxy-ca\" certificate and key",
                    "[certs] Generating \"front-proxy-client\" certificate and key",
                    "[certs] Generating \"etcd/ca\" certificate and key",
                    "[certs] Generating \"etcd/server\" certificate and key",
                    "[certs] etcd/server serving cert is signed for DNS names [cp-1 localhost] and IPs [10.0.0.10 127.0.0.1 ::1]",
                    "[certs] Generating \"etcd/peer\" certificate and key",
                    "[certs] etcd/peer serving cert is signed for DNS names [cp-1 localhost] and IPs [10.0.0.10 127.0.0.1 ::1]",
                    "[certs] Generating \"etcd/healthcheck-client\" certificate and key",
                    "[certs] Generating \"apiserver-etcd-client\" certificate and key",
                    "[certs] Generating \"sa\" key and public key",
                ])
            #expect(try Self.visibleFiles(Self.pki(context)) == Self.kubeadmFiles)
        }
    }

    @Test func filesAndDirectoriesHaveSafeModes() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            #expect(try TestSupport.mode(pki) == 0o700)
            #expect(try TestSupport.mode(pki.appendingPathComponent("etcd")) == 0o700)
            for file in Self.kubeadmFiles {
                let expected = file.hasSuffix(".crt") ? 0o644 : 0o600
                #expect(try TestSupport.mode(pki.appendingPathComponent(file)) == expected, "\(file)")
            }
        }
    }

    @Test func everyCertificateMatchesSpecTree() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            var serials: Set<[UInt8]> = []
            for expected in ExpectedProfile.kubeadmTree {
                let certificate = try TestSupport.certificate(pki.appendingPathComponent(expected.baseName + ".crt"))
                let key = try TestSupport.key(pki.appendingPathComponent(expected.baseName + ".key"))
                serials.insert(Array(certificate.serialNumber.bytes))
                #expect(key.publicKey == certificate.publicKey, "\(expected.name): key does not match")
                #expect(
                    try (TestSupport.read(pki.appendingPathComponent(expected.baseName + ".key"))).hasPrefix(
                        "-----BEGIN EC PRIVATE KEY-----"))
                #expect(
                    certificate.commonName == expected.commonName.replacingOccurrences(of: "${nodeName}", with: "cp-1"))
                #expect(certificate.organizations == expected.organizations, "\(expected.name)")
                #expect(certificate.extKeyUsages == expected.extKeyUsages.map(\.usage), "\(expected.name)")
                #expect(certificate.notValidBefore == TestSupport.start - 300, "\(expected.name)")
                if let issuer = expected.issuer {
                    let caProfile = try #require(ExpectedProfile.kubeadmTree.first { $0.name == issuer })
                    let caCertificate = try TestSupport.certificate(
                        pki.appendingPathComponent(caProfile.baseName + ".crt"))
                    let ca = CertificateAuthority(name: issuer, certificate: caCertificate, key: nil)
                    #expect(ca.issued(certificate), "\(expected.name) not issued by \(issuer)")
                    #expect(
                        try certificate.extensions.authorityKeyIdentifier?.keyIdentifier
                            == caCertificate.extensions.subjectKeyIdentifier?.keyIdentifier,
                        "\(expected.name): AKI != CA SKI")
                    #expect(
                        certificate.keyUsageBits == KeyUsage(digitalSignature: true, keyEncipherment: true),
                        "\(expected.name)")
                    #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
                    #expect(
                        certificate.notValidAfter == TestSupport.start + 8760 * TestSupport.hour, "\(expected.name)")
                    if expected.sans == .none {
                        #expect(certificate.dnsSANs.isEmpty && certificate.ipSANs.isEmpty, "\(expected.name)")
                    }
                } else {
                    #expect(certificate.issuer == certificate.subject)
                    #expect(try certificate.extensions.subjectKeyIdentifier != nil, "\(expected.name) has no SKI")
                    #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
                    #expect(
                        certificate.keyUsageBits
                            == KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true))
                    #expect(certificate.dnsSANs == [expected.commonName])
                    #expect(
                        certificate.notValidAfter == TestSupport.start + 87600 * TestSupport.hour, "\(expected.name)")
                }
            }
            #expect(serials.count == ExpectedProfile.kubeadmTree.count)

            let apiserver = try TestSupport.certificate(pki.appendingPathComponent("apiserver.crt"))
            #expect(
                apiserver.dnsSANs == [
                    "cp-1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                    "kubernetes.default.svc.cluster.local",
                ])
            #expect(apiserver.ipSANs == ["10.96.0.1", "10.0.0.10"])
            for base in ["etcd/server", "etcd/peer"] {
                let etcd = try TestSupport.certificate(pki.appendingPathComponent(base + ".crt"))
                #expect(etcd.dnsSANs == ["cp-1", "localhost"])
                #expect(etcd.ipSANs == ["10.0.0.10", "127.0.0.1", "::1"])
            }
            let sa = try TestSupport.key(pki.appendingPathComponent("sa.key"))
            #expect(try TestSupport.read(pki.appendingPathComponent("sa.pub")) == sa.publicKeyPEMString())
        }
    }

    @Test func hardenedPolicyDropsKeyEnciphermentForECDSA() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root, policy: "hardened", algorithm: nil)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            for expected in ExpectedProfile.kubeadmTree {
                let certificate = try TestSupport.certificate(pki.appendingPathComponent(expected.baseName + ".crt"))
                #expect(certificate.keyUsageBits?.keyEncipherment == false, "\(expected.name)")
                #expect(certificate.keyUsageBits?.digitalSignature == true, "\(expected.name)")
                #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
                #expect(
                    try TestSupport.read(pki.appendingPathComponent(expected.baseName + ".key")).hasPrefix(
                        "-----BEGIN EC PRIVATE KEY-----"))
                if expected.issuer != nil {
                    #expect(
                        certificate.notValidAfter == TestSupport.start + 2160 * TestSupport.hour, "\(expected.name)")
                }
            }
            let kubeletClient = try TestSupport.certificate(pki.appendingPathComponent("apiserver-kubelet-client.crt"))
            #expect(kubeletClient.organizations.isEmpty)
        }
    }

    /// The one RSA-2048 tree: PKCS#1 keys, and openssl accepts every leaf under -x509_strict.
    @Test func rsaTreeIsPKCS1AndVerifiesWithOpenSSL() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root, algorithm: nil, now: Date())
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            for expected in ExpectedProfile.kubeadmTree {
                let keyText = try TestSupport.read(pki.appendingPathComponent(expected.baseName + ".key"))
                #expect(keyText.hasPrefix("-----BEGIN RSA PRIVATE KEY-----\n"), "\(expected.name)")
                let certificate = try TestSupport.certificate(pki.appendingPathComponent(expected.baseName + ".crt"))
                #expect(certificate.signatureAlgorithm == .sha256WithRSAEncryption)
                #expect(certificate.keyUsageBits?.keyEncipherment == true)
                guard let issuer = expected.issuer,
                    let caBase = ExpectedProfile.kubeadmTree.first(where: { $0.name == issuer })?.baseName
                else { continue }
                let output = try TestSupport.openssl([
                    "verify", "-x509_strict", "-CAfile", pki.appendingPathComponent(caBase + ".crt").path,
                    pki.appendingPathComponent(expected.baseName + ".crt").path,
                ])
                #expect(output.hasSuffix(": OK\n"), "\(output)")
            }
            #expect(
                try TestSupport.read(pki.appendingPathComponent("sa.key")).hasPrefix(
                    "-----BEGIN RSA PRIVATE KEY-----\n"))
        }
    }

    // MARK: Re-runs and existing files

    @Test func rerunReusesEverything() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let before = try TestSupport.snapshot(Self.pki(context))
            let later = try Self.context(root, now: TestSupport.start + TestSupport.day)
            let lines = try await CertsPhase(context: later).generate(["all"])
            #expect(
                lines == ["[certs] Using certificateDir folder \"\(Self.pki(context).path)\""]
                    + [
                        "ca", "apiserver", "apiserver-kubelet-client", "front-proxy-ca", "front-proxy-client",
                        "etcd/ca", "etcd/server", "etcd/peer", "etcd/healthcheck-client", "apiserver-etcd-client",
                    ]
                    .map { "[certs] Using the existing \"\($0)\" certificate and key" }
                    + ["[certs] Using the existing \"sa\" key"])
            #expect(try TestSupport.snapshot(Self.pki(context)) == before)
        }
    }

    struct SANChange: Sendable, CustomTestStringConvertible {
        let label: String
        let change: Change
        let failing: String
        var testDescription: String { label }
    }

    static let sanChanges: [SANChange] = [
        SANChange(
            label: "new DNS certSAN", change: { $0.apiServerCertSANs = ["new.example.com"] }, failing: "apiserver"),
        SANChange(label: "new IP certSAN", change: { $0.apiServerCertSANs = ["192.168.1.1"] }, failing: "apiserver"),
        SANChange(
            label: "new control-plane endpoint", change: { $0.controlPlaneEndpoint = "lb.example.com:6443" },
            failing: "apiserver"),
        SANChange(label: "new node name", change: { $0.nodeName = "cp-2" }, failing: "apiserver"),
        SANChange(label: "new advertise address", change: { $0.advertiseAddress = "10.0.0.11" }, failing: "apiserver"),
        SANChange(
            label: "new etcd server SAN", change: { $0.etcdServerCertSANs = ["10.0.0.6"] }, failing: "etcd-server"),
        SANChange(
            label: "new etcd peer SAN", change: { $0.etcdPeerCertSANs = ["infra0.example.com"] }, failing: "etcd-peer"),
    ]

    @Test(arguments: sanChanges)
    func existingLeafLackingAConfiguredSANIsAnErrorAndNothingChanges(_ sanChange: SANChange) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try await CertsPhase(context: try Self.context(root)).generate(["all"])
            let changed = try Self.context(root, sanChange.change)
            try await Self.expectUnchanged(changed) { error in
                guard case .existingCertificateInvalid(let name, let reason) = error else {
                    Issue.record("expected existingCertificateInvalid, got \(error)")
                    return
                }
                #expect(name == sanChange.failing)
                #expect(reason.contains("not valid for"), "\(reason)")
            }
        }
    }

    @Test func existingLeafAlreadyCoveringTheSANsIsReused() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try await CertsPhase(context: try Self.context(root) { $0.apiServerCertSANs = ["*.apps.example.com"] })
                .generate(["all"])
            let context = try Self.context(root) {
                $0.apiServerCertSANs = ["*.apps.example.com", "x.apps.example.com", "kubernetes", "10.0.0.10"]
            }
            let before = try TestSupport.snapshot(Self.pki(context))
            let lines = try await CertsPhase(context: context).generate(["apiserver"])
            #expect(lines.contains("[certs] Using the existing \"apiserver\" certificate and key"))
            #expect(try TestSupport.snapshot(Self.pki(context)) == before)
        }
    }

    @Test func caCertificateThatIsNotACAIsRejected() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            for suffix in ["crt", "key"] {
                try FileManager.default.removeItem(at: pki.appendingPathComponent("front-proxy-ca.\(suffix)"))
                try FileManager.default.copyItem(
                    at: pki.appendingPathComponent("front-proxy-client.\(suffix)"),
                    to: pki.appendingPathComponent("front-proxy-ca.\(suffix)"))
            }
            try await Self.expectUnchanged(context) { error in
                #expect(
                    error
                        == .notACertificateAuthority(
                            name: "front-proxy-ca", path: context.directory.url("front-proxy-ca", "crt").path))
            }
        }
    }

    @Test(arguments: [("apiserver", "front-proxy-client"), ("ca", "etcd/ca"), ("etcd/peer", "etcd/server")])
    func keyNotMatchingItsCertificateIsRejected(_ victim: String, _ donor: String) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            try FileManager.default.removeItem(at: pki.appendingPathComponent(victim + ".key"))
            try FileManager.default.copyItem(
                at: pki.appendingPathComponent(donor + ".key"), to: pki.appendingPathComponent(victim + ".key"))
            try await Self.expectUnchanged(context) { error in
                #expect(error == .keyDoesNotMatchCertificate(path: context.directory.url(victim, "key").path))
            }
        }
    }

    @Test func leafSignedByAnotherCAIsRejected() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let first = root.appendingPathComponent("a"), second = root.appendingPathComponent("b")
            let context = try Self.context(first)
            try await CertsPhase(context: context).generate(["all"])
            try await CertsPhase(context: try Self.context(second)).generate(["ca"])
            let pki = Self.pki(context)
            for suffix in ["crt", "key"] {
                try FileManager.default.removeItem(at: pki.appendingPathComponent("ca.\(suffix)"))
                try FileManager.default.copyItem(
                    at: second.appendingPathComponent("pki/ca.\(suffix)"),
                    to: pki.appendingPathComponent("ca.\(suffix)"))
            }
            try await Self.expectUnchanged(context) { error in
                guard case .existingCertificateInvalid(let name, let reason) = error else {
                    Issue.record("expected existingCertificateInvalid, got \(error)")
                    return
                }
                #expect(name == "apiserver")
                #expect(reason.contains("not signed by the current ca"))
            }
        }
    }

    @Test(arguments: ["key", "crt"])
    func halfAPairIsRejected(_ removed: String) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            try FileManager.default.removeItem(
                at: Self.pki(context).appendingPathComponent("apiserver-kubelet-client." + removed))
            try await Self.expectUnchanged(context) { error in
                guard case .incompletePair(let name, _, let missing) = error else {
                    Issue.record("expected incompletePair, got \(error)")
                    return
                }
                #expect(name == "apiserver-kubelet-client")
                #expect(missing.hasSuffix("apiserver-kubelet-client." + removed))
            }
        }
    }

    @Test(arguments: ["ca.crt", "etcd/server.key", "sa.key"])
    func malformedPEMIsRejected(_ file: String) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            try "not a PEM file\n".write(
                to: Self.pki(context).appendingPathComponent(file), atomically: true, encoding: .utf8)
            try await Self.expectUnchanged(context) { error in
                guard case .malformedPEM(let path, _) = error else {
                    Issue.record("expected malformedPEM, got \(error)")
                    return
                }
                #expect(path.hasSuffix(file))
            }
        }
    }

    @Test func unknownNameIsRejectedBeforeAnythingIsWritten() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            let error = await #expect(throws: PKIError.self) {
                try await CertsPhase(context: context).generate(["apiserver", "kubelet"])
            }
            guard case .unknownCertificateName(let name, let known)? = error else {
                Issue.record("expected unknownCertificateName, got \(String(describing: error))")
                return
            }
            #expect(name == "kubelet")
            #expect(known.contains("apiserver") && known.contains("all") && known.contains("sa"))
            #expect(!FileManager.default.fileExists(atPath: Self.pki(context).path))

            try await CertsPhase(context: context).generate(["all"])
            try await Self.expectUnchanged(context, names: ["bogus"]) {
                #expect($0 == .unknownCertificateName("bogus", known: known))
            }
        }
    }

    @Test(arguments: [
        ("advertise address", { (s: inout ClusterSettings) in s.advertiseAddress = "10.0.0.300" } as Change),
        ("service CIDR", { (s: inout ClusterSettings) in s.serviceSubnet = "10.96.0.0/40" } as Change),
        ("control-plane endpoint", { (s: inout ClusterSettings) in s.controlPlaneEndpoint = "lb:notaport" } as Change),
    ])
    func invalidSettingsFailOnAnExistingTreeWithoutChanges(_ label: String, _ change: Change) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            try await CertsPhase(context: try Self.context(root)).generate(["all"])
            try await Self.expectUnchanged(try Self.context(root, change)) { error in
                switch error {
                case .invalidAdvertiseAddress, .invalidCIDR, .invalidControlPlaneEndpoint: break
                default: Issue.record("\(label): unexpected \(error)")
                }
            }
        }
    }

    /// Issue 2: bad input "leaves the directory as it was" — here the directory did not exist.
    @Test func invalidSettingsOnAFreshDirectoryCreateNothing() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root) { $0.advertiseAddress = "not-an-ip" }
            await #expect(throws: PKIError.invalidAdvertiseAddress("not-an-ip")) {
                try await CertsPhase(context: context).generate(["all"])
            }
            #expect(!FileManager.default.fileExists(atPath: Self.pki(context).path))
        }
    }

    // MARK: External CA and external etcd

    @Test func externalCAWithAllLeavesPresentSucceeds() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            try FileManager.default.removeItem(at: Self.pki(context).appendingPathComponent("ca.key"))
            let before = try TestSupport.snapshot(Self.pki(context))
            let lines = try await CertsPhase(context: context).generate(["all"])
            #expect(lines.contains("[certs] External ca mode: using the existing \"ca\" certificate without its key"))
            #expect(lines.contains("[certs] Using the existing \"apiserver\" certificate and key"))
            #expect(try TestSupport.snapshot(Self.pki(context)) == before)
        }
    }

    @Test func externalCAWithALeafMissingFailsWithMissingCAKey() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            try await CertsPhase(context: context).generate(["all"])
            let pki = Self.pki(context)
            for file in ["ca.key", "apiserver.crt", "apiserver.key"] {
                try FileManager.default.removeItem(at: pki.appendingPathComponent(file))
            }
            try await Self.expectUnchanged(context) { error in
                #expect(error == .missingCAKey(name: "ca", path: context.directory.url("ca", "key").path))
            }
        }
    }

    @Test func externalEtcdSkipsEtcdFiles() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root) { $0.externalEtcd = ExternalEtcd() }
            let lines = try await CertsPhase(context: context).generate(["all"])
            #expect(!lines.contains { $0.contains("etcd") })
            #expect(
                try Self.visibleFiles(Self.pki(context))
                    == Self.kubeadmFiles.filter { !$0.hasPrefix("etcd/") && !$0.hasPrefix("apiserver-etcd-client") })
            #expect(!FileManager.default.fileExists(atPath: Self.pki(context).appendingPathComponent("etcd").path))
            await #expect(throws: PKIError.self) { try await CertsPhase(context: context).generate(["etcd-server"]) }
        }
    }

    @Test func singleLeafNeedsItsCA() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root)
            await #expect(
                throws: PKIError.missingCertificateAuthority(
                    name: "etcd-ca", path: context.directory.url("etcd/ca", "crt").path)
            ) {
                try await CertsPhase(context: context).generate(["etcd-server"])
            }
            try await CertsPhase(context: context).generate(["etcd-ca"])
            try await CertsPhase(context: context).generate(["etcd-server", "etcd-peer"])
            #expect(
                try Self.visibleFiles(Self.pki(context)) == [
                    "etcd/ca.crt", "etcd/ca.key", "etcd/server.crt", "etcd/server.key", "etcd/peer.crt",
                    "etcd/peer.key",
                ])
        }
    }

    // MARK: Validity

    @Test func leafOutlivingItsCAIsCappedAndWarned() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try Self.context(root) {
                $0.caCertificateValidity = GoDuration(seconds: 100 * TestSupport.hour)
            }
            let lines = try await CertsPhase(context: context).generate(["ca", "apiserver"])
            let pki = Self.pki(context)
            let ca = try TestSupport.certificate(pki.appendingPathComponent("ca.crt"))
            let leaf = try TestSupport.certificate(pki.appendingPathComponent("apiserver.crt"))
            #expect(ca.notValidAfter == TestSupport.start + 100 * TestSupport.hour)
            #expect(leaf.notValidAfter == ca.notValidAfter)
            #expect(lines.contains { $0.hasPrefix("[certs] WARNING: apiserver would outlive its CA ca") })
        }
    }

    @Test func configValidityPeriodIsUsedForLeaves() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let config = try KubeadmConfigFile(
                yaml: """
                    apiVersion: kubeadm.k8s.io/v1beta4
                    kind: ClusterConfiguration
                    certificateValidityPeriod: 720h
                    caCertificateValidityPeriod: 43800h0m0s
                    """)
            let context = try Self.context(root) { config.apply(to: &$0) }
            try await CertsPhase(context: context).generate(["front-proxy-ca", "front-proxy-client"])
            let pki = Self.pki(context)
            #expect(
                try TestSupport.certificate(pki.appendingPathComponent("front-proxy-ca.crt")).notValidAfter
                    == TestSupport.start + 43800 * TestSupport.hour)
            #expect(
                try TestSupport.certificate(pki.appendingPathComponent("front-proxy-client.crt")).notValidAfter
                    == TestSupport.start + 720 * TestSupport.hour)
        }
    }
}

import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// RFC 5280 bounds and Kubernetes name rules, for every certificate the CA signs.
@Suite struct SubjectNameValidatorTests {
    static let seventy = String(repeating: "a", count: 70)

    @Test(arguments: [
        ("kubernetes-admin", ["kubeadm:cluster-admins"], ["kubernetes", "cp-1"]),
        ("system:node:worker-1", ["system:nodes"], ["worker-1.example.com", "*.apps.example.com"]),
        ("système-nœud ✓ 日本", ["O with spaces"], ["UPPER.example.COM"]),
        (
            String(repeating: "c", count: 64), [String(repeating: "o", count: 64)],
            [String(repeating: "l", count: 63) + ".x"]
        ),
    ])
    func acceptsValidNames(_ commonName: String, _ organizations: [String], _ dnsNames: [String]) throws {
        try SubjectNameValidator.validate(commonName: commonName, organizations: organizations, dnsNames: dnsNames)
    }

    @Test(
        arguments: [
            ("empty CN", "", [], [], PKIError.emptyName(field: .commonName)),
            ("blank CN", "  ", [], [], .emptyName(field: .commonName)),
            ("empty O", "u", ["ok", ""], [], .emptyName(field: .organization(index: 1))),
            ("CN over 64", seventy, [], [], .nameTooLong(field: .commonName, value: seventy, length: 70, limit: 64)),
            (
                "O over 64", "u", [seventy], [],
                .nameTooLong(field: .organization(index: 0), value: seventy, length: 70, limit: 64)
            ),
            ("newline in CN", "eve\nforged", [], [], .nameNotPrintable(field: .commonName, value: "eve\nforged")),
            ("DEL in O", "u", ["a\u{7F}"], [], .nameNotPrintable(field: .organization(index: 0), value: "a\u{7F}")),
            ("C1 in CN", "a\u{85}b", [], [], .nameNotPrintable(field: .commonName, value: "a\u{85}b")),
            ("bidi override", "admin\u{202E}", [], [], .nameNotPrintable(field: .commonName, value: "admin\u{202E}")),
            ("duplicate O", "u", ["g", "g"], [], .duplicateName(field: .organization(index: 1), value: "g")),
            (
                "duplicate DNS", "u", [], ["a.example", "A.example"],
                .duplicateName(field: .dnsName(index: 1), value: "A.example")
            ),
            ("empty DNS", "u", [], [""], .emptyName(field: .dnsName(index: 0))),
        ] as [(String, String, [String], [String], PKIError)])
    func refusesWithTheFieldAndTheBound(
        _ label: String, _ commonName: String, _ organizations: [String],
        _ dnsNames: [String], _ expected: PKIError
    ) {
        #expect(throws: expected, "\(label)") {
            try SubjectNameValidator.validate(commonName: commonName, organizations: organizations, dnsNames: dnsNames)
        }
    }

    @Test(arguments: [
        String(repeating: "l", count: 64) + ".example", String(repeating: "a.", count: 127) + "com", "a..b", ".a", "a.",
        "-a", "a-", "a_b", "a b", "*", "a.*.b", "**.a", "nœud.example", "a\nb",
    ])
    func refusesInvalidDNSNames(_ name: String) {
        let error = #expect(throws: PKIError.self) {
            try SubjectNameValidator.validate(commonName: "u", dnsNames: [name])
        }
        guard case .invalidDNSName(let field, let value, _)? = error else {
            Issue.record("expected invalidDNSName, got \(String(describing: error))")
            return
        }
        #expect(field == .dnsName(index: 0) && value == name)
    }

    @Test(arguments: ["n6\ncritical FORGED-BY-TOKEN", "Worker-1", "worker_1", "", "-w", "w..x", "w."])
    func nodeNamesMustBeDNS1123Subdomains(_ node: String) {
        let error = #expect(throws: PKIError.self) {
            try SubjectNameValidator.validate(commonName: "system:node:" + node, organizations: ["system:nodes"])
        }
        // A newline is refused as not printable before the node rule looks at it; every other case is a node-name error.
        if node.contains("\n") {
            #expect(error == .nameNotPrintable(field: .commonName, value: "system:node:" + node))
        } else {
            guard case .invalidNodeName(let name, _)? = error else {
                Issue.record("expected invalidNodeName, got \(String(describing: error))")
                return
            }
            #expect(name == node)
        }
    }

    @Test func messagesEscapeAndShortenTheValue() {
        let long = String(repeating: "x", count: 1000) + "\n"
        let message = PKIError.nameTooLong(field: .commonName, value: long, length: 1001, limit: 64).message
        #expect(
            message.contains("subject CN") && message.contains("1001 characters") && message.contains("ub-common-name"))
        #expect(message.count < 300 && !message.contains("\n"))
        #expect(
            PKIError.nameNotPrintable(field: .organization(index: 2), value: "a\nb").message.contains(
                #"subject O[2] "a\nb""#))
        #expect(PKIError.invalidNodeName("Worker", reason: "r").message.contains(#""Worker""#))
    }

    @Test func theCertificateAuthorityChecksEveryLeafItSigns() throws {
        let ca = try CertificateAuthorityTests.makeCA()
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        func request(_ commonName: String, _ organizations: [String] = [], dns: [String] = []) -> IssuanceRequest {
            IssuanceRequest(
                commonName: commonName, organizations: organizations,
                subjectAltNames: SubjectAltNames(dnsNames: dns, ipAddresses: []),
                keyUsage: KeyUsage(digitalSignature: true),
                extendedKeyUsages: [.clientAuth], notBefore: TestSupport.start,
                notAfter: TestSupport.start + TestSupport.day)
        }
        // The issue's reproductions: an empty group, 70-character names, a forged node name.
        #expect(throws: PKIError.emptyName(field: .organization(index: 0))) {
            try ca.sign(request("alice", [""]), publicKey: key.publicKey)
        }
        #expect(throws: PKIError.self) { try ca.sign(request(Self.seventy), publicKey: key.publicKey) }
        #expect(throws: PKIError.self) { try ca.sign(request("alice", [Self.seventy]), publicKey: key.publicKey) }
        #expect(throws: PKIError.self) {
            try ca.sign(request("system:node:n6\ncritical FORGED-BY-TOKEN", ["system:nodes"]), publicKey: key.publicKey)
        }
        #expect(throws: PKIError.self) {
            try ca.sign(request("kube-apiserver", dns: ["bad_name"]), publicKey: key.publicKey)
        }
        let leaf = try ca.sign(
            request("system:node:worker-1", ["system:nodes"], dns: ["worker-1"]), publicKey: key.publicKey)
        #expect(leaf.subject.kubernetesIdentity.commonName == "system:node:worker-1")
    }

    @Test func selfSignedCANamesAreChecked() {
        #expect(throws: PKIError.self) {
            try CertificateAuthority.selfSigned(
                name: "ca", commonName: "bad name", key: try PrivateKeyMaterial.generate(.ecdsaP256),
                keyUsage: KeyUsage(keyCertSign: true), notBefore: TestSupport.start,
                notAfter: TestSupport.start + TestSupport.day)
        }
    }

    @Test(arguments: ["kubeadm", "hardened"])
    func shippedPoliciesNameOnlyValidSubjects(_ name: String) throws {
        let policy = try TestSupport.policy(name)
        for profile in policy.certificateAuthorities + policy.certificates {
            try SubjectNameValidator.validate(
                commonName: profile.commonName(nodeName: "cp-1"), organizations: profile.organizations ?? [])
        }
        for kubeconfig in policy.kubeconfigs {
            try SubjectNameValidator.validate(
                commonName: kubeconfig.commonName.replacingOccurrences(of: "${nodeName}", with: "cp-1"),
                organizations: kubeconfig.organizations ?? [])
        }
    }
}

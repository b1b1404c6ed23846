import ClusterPKICore
import ClusterPKITesting
import Crypto
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateAuthorityTests {
    static let caUsage = KeyUsage(digitalSignature: true, keyEncipherment: true, keyCertSign: true)
    static let leafUsage = KeyUsage(digitalSignature: true, keyEncipherment: true)

    static func makeCA(
        _ algorithm: KeyAlgorithm = .ecdsaP256, commonName: String = "kubernetes",
        notAfter: Date = TestSupport.start + 87600 * TestSupport.hour
    ) throws -> CertificateAuthority {
        try CertificateAuthority.selfSigned(
            name: "ca", commonName: commonName, key: try PrivateKeyMaterial.generate(algorithm), keyUsage: caUsage,
            notBefore: TestSupport.start - 300, notAfter: notAfter)
    }

    static func request(notAfter: Date = TestSupport.start + 8760 * TestSupport.hour, organizations: [String] = [])
        -> IssuanceRequest
    {
        IssuanceRequest(
            commonName: "kube-apiserver", organizations: organizations,
            subjectAltNames: SubjectAltNames(
                dnsNames: ["kubernetes", "cp-1"], ipAddresses: [IPAddress("10.96.0.1")!, IPAddress("fd00::1")!]),
            keyUsage: leafUsage, extendedKeyUsages: [.serverAuth], notBefore: TestSupport.start - 300,
            notAfter: notAfter)
    }

    @Test func selfSignedCAHasKubeadmFieldsInKubeadmOrder() throws {
        let ca = try Self.makeCA()
        let certificate = ca.certificate
        #expect(certificate.version == .v3)
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.commonName == "kubernetes")
        #expect(certificate.organizations.isEmpty)
        #expect(
            certificate.extensions.map(\.oid) == [
                .X509ExtensionID.keyUsage, .X509ExtensionID.basicConstraints,
                .X509ExtensionID.subjectKeyIdentifier, .X509ExtensionID.subjectAlternativeName,
            ])
        #expect(certificate.extensions.map(\.critical) == [true, true, false, false])
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: nil))
        #expect(certificate.keyUsageBits == Self.caUsage)
        #expect(certificate.dnsSANs == ["kubernetes"])
        #expect(certificate.extKeyUsages.isEmpty)
        #expect(certificate.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(ca.issued(certificate))
    }

    @Test func subjectKeyIdentifierIsSHA1OfThePublicKeyBitsLikeGo() throws {
        // Go (and kubeadm's fixture, spec 1.11) hash the subjectPublicKey BIT STRING, RFC 5280 method 1.
        let fixture = try DiscoveryHashTests.dryRunCA()
        let fixtureSKI = try #require(try fixture.extensions.subjectKeyIdentifier)
        #expect(
            Array(fixtureSKI.keyIdentifier)
                == Array(Insecure.SHA1.hash(data: Array(fixture.publicKey.subjectPublicKeyInfoBytes))))

        let ca = try Self.makeCA()
        let ski = try #require(try ca.certificate.extensions.subjectKeyIdentifier)
        #expect(
            Array(ski.keyIdentifier)
                == Array(Insecure.SHA1.hash(data: Array(ca.certificate.publicKey.subjectPublicKeyInfoBytes))))
    }

    @Test func signedLeafHasKubeadmLeafFields() throws {
        let ca = try Self.makeCA()
        let key = try PrivateKeyMaterial.generate(.ecdsaP256)
        let leaf = try ca.sign(Self.request(organizations: ["o1", "o2"]), publicKey: key.publicKey)
        #expect(leaf.version == .v3)
        #expect(leaf.issuer == ca.certificate.subject)
        #expect(leaf.commonName == "kube-apiserver")
        #expect(Set(leaf.organizations) == ["o1", "o2"])
        #expect(leaf.publicKey == key.publicKey)
        #expect(leaf.keyUsageBits == Self.leafUsage)
        #expect(leaf.extensions[oid: .X509ExtensionID.keyUsage]?.critical == true)
        #expect(leaf.extKeyUsages == [.serverAuth])
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(leaf.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        #expect(try leaf.extensions.subjectKeyIdentifier == nil)
        let aki = try #require(try leaf.extensions.authorityKeyIdentifier)
        #expect(aki.keyIdentifier == (try ca.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier)
        #expect(leaf.dnsSANs == ["cp-1", "kubernetes"])
        #expect(leaf.ipSANs == ["10.96.0.1", "fd00::1"])
        #expect(leaf.notValidBefore == TestSupport.start - 300)
        #expect(leaf.notValidAfter == TestSupport.start + 8760 * TestSupport.hour)
        #expect(ca.issued(leaf))
    }

    @Test func organizationsPrecedeCommonNameInOneRDN() throws {
        let name = try DistinguishedName.kubernetes(
            commonName: "kubernetes-admin", organizations: ["kubeadm:cluster-admins", "extra"])
        let rdns = Array(name)
        #expect(rdns.count == 2)
        #expect(
            rdns.first.map { Array($0).map(\.type) } == [
                .RDNAttributeType.organizationName, .RDNAttributeType.organizationName,
            ])
        #expect(rdns.last.map { Array($0).map(\.type) } == [.RDNAttributeType.commonName])
        #expect(name.kubernetesIdentity.commonName == "kubernetes-admin")
        // An RDN is a SET OF: DER sorts its members (Go's encoding/asn1 does too since Go 1.15), so compare as sets.
        #expect(Set(name.kubernetesIdentity.organizations) == ["kubeadm:cluster-admins", "extra"])
    }

    /// RFC 4514's special characters are name characters like any other: a CN and organizations holding them are
    /// signed and read back as given (as kube-apiserver reads them), not in the escaped form of the textual DN.
    @Test func namesWithRFC4514SpecialCharactersAreSignedAndReadAsGiven() throws {
        let ca = try Self.makeCA()
        let organizations = ["ops,dev", #"a+b"c<d>;e\f"#]
        var request = Self.request(organizations: organizations)
        request.commonName = " #team lead "
        let leaf = try ca.sign(request, publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        #expect(leaf.subject.kubernetesIdentity.commonName == " #team lead ")
        #expect(Set(leaf.subject.kubernetesIdentity.organizations) == Set(organizations))
        // Only the textual DN escapes them.
        #expect(String(describing: leaf.subject).contains(#"ops\,dev"#))
    }

    @Test func signatureAlgorithmFollowsTheCAKey() throws {
        let ca = try Self.makeCA(.ecdsaP384)
        let leaf = try ca.sign(Self.request(), publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        #expect(leaf.signatureAlgorithm == .ecdsaWithSHA384)
        #expect(ca.issued(leaf))
    }

    @Test func leafLongerThanItsCAIsCappedAtTheCANotAfter() throws {
        let caNotAfter = TestSupport.start + 100 * TestSupport.day
        let ca = try Self.makeCA(notAfter: caNotAfter)
        let leaf = try ca.sign(
            Self.request(notAfter: TestSupport.start + 8760 * TestSupport.hour),
            publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        #expect(leaf.notValidAfter == caNotAfter)
        #expect(leaf.notValidAfter <= ca.certificate.notValidAfter)
    }

    @Test func leafShorterThanItsCAKeepsItsNotAfter() throws {
        let ca = try Self.makeCA()
        let notAfter = TestSupport.start + 10 * TestSupport.day
        let leaf = try ca.sign(
            Self.request(notAfter: notAfter), publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        #expect(leaf.notValidAfter == notAfter)
    }

    @Test func otherCADidNotIssueTheLeaf() throws {
        let ca = try Self.makeCA(), other = try Self.makeCA()
        let leaf = try ca.sign(Self.request(), publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        #expect(!other.issued(leaf))
    }

    @Test func externalCACannotSign() throws {
        let ca = try Self.makeCA()
        let external = CertificateAuthority(name: "ca", certificate: ca.certificate, key: nil)
        #expect(external.isExternal)
        let error = #expect(throws: PKIError.self) {
            try external.sign(Self.request(), publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        }
        guard case .missingCAKey(let name, _)? = error else {
            Issue.record("expected missingCAKey, got \(String(describing: error))")
            return
        }
        #expect(name == "ca")
    }

    @Test(arguments: [(true, false, false), (true, true, true), (false, false, true), (false, true, true)])
    func keyEnciphermentOnlyForRSAWhenThePolicySaysSo(_ onlyForRSA: Bool, _ keyIsRSA: Bool, _ expected: Bool) {
        let usage = KeyUsage(
            [.digitalSignature, .keyEncipherment], keyIsRSA: keyIsRSA, keyEnciphermentOnlyForRSA: onlyForRSA)
        #expect(usage.keyEncipherment == expected)
        #expect(usage.digitalSignature)
    }
}

@Suite struct SerialNumberTests {
    @Test func randomSerialsArePositiveShortAndDistinct() {
        let serials = (0..<1000).map { _ in Certificate.SerialNumber.randomPositive() }
        for serial in serials {
            let bytes = Array(serial.bytes)
            #expect(!bytes.isEmpty && bytes.count <= 20, "\(bytes.count) bytes")
            #expect(bytes[0] & 0x80 == 0, "negative serial \(serial)")
            #expect(bytes.contains { $0 != 0 }, "zero serial")
        }
        #expect(Set(serials.map { Array($0.bytes) }).count == 1000)
        // 16 bytes, every bit but the sign bit random: each one is set in some serial (two 64-bit draws fill them).
        #expect(serials.allSatisfy { $0.bytes.count == 16 })
        let union = serials.reduce(into: [UInt8](repeating: 0, count: 16)) { union, serial in
            for (i, byte) in serial.bytes.enumerated() { union[i] |= byte }
        }
        #expect(union == [0x7f] + [UInt8](repeating: 0xff, count: 15))
    }

    @Test func issuedCertificateSerialIsAPositiveDERIntegerOfAtMost20Octets() throws {
        let ca = try CertificateAuthorityTests.makeCA()
        let leaf = try ca.sign(
            CertificateAuthorityTests.request(), publicKey: try PrivateKeyMaterial.generate(.ecdsaP256).publicKey)
        for certificate in [ca.certificate, leaf] {
            var serializer = DER.Serializer()
            try serializer.serialize(certificate)
            let reparsed = try Certificate(derEncoded: serializer.serializedBytes)
            let bytes = Array(reparsed.serialNumber.bytes)
            #expect(bytes.count <= 20)
            #expect(bytes[0] & 0x80 == 0)
        }
    }
}

@Suite struct ValidityTests {
    static func context(_ policy: String = "kubeadm", _ change: (inout ClusterSettings) -> Void = { _ in }) throws
        -> TreeContext
    {
        var settings = TestSupport.settings(URL(fileURLWithPath: "/nonexistent/k8s"))
        change(&settings)
        return TreeContext(policy: try TestSupport.policy(policy), settings: settings, now: TestSupport.start)
    }

    @Test func kubeadmDefaults() throws {
        let context = try Self.context()
        let ca = try #require(context.policy.authority(named: "ca"))
        let apiserver = try #require(context.policy.certificates.first { $0.name == "apiserver" })
        #expect(context.notBefore == TestSupport.start - 5 * 60)
        #expect(context.caNotAfter(ca) == TestSupport.start + 87600 * TestSupport.hour)
        #expect(context.leafNotAfter(apiserver) == TestSupport.start + 8760 * TestSupport.hour)
        #expect(
            context.request(for: apiserver, key: try PrivateKeyMaterial.generate(.ecdsaP256), sans: SubjectAltNames())
                .notBefore
                == TestSupport.start - 5 * 60)
    }

    @Test func hardenedLeavesLastNinetyDays() throws {
        let context = try Self.context("hardened")
        let apiserver = try #require(context.policy.certificates.first { $0.name == "apiserver" })
        #expect(context.leafNotAfter(apiserver) == TestSupport.start + 2160 * TestSupport.hour)
    }

    @Test func configValidityPeriodsOverrideThePolicy() throws {
        let config = try KubeadmConfigFile(
            yaml: """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: ClusterConfiguration
                certificateValidityPeriod: 48h0m0s
                caCertificateValidityPeriod: 1000h
                """)
        let context = try Self.context { config.apply(to: &$0) }
        let ca = try #require(context.policy.authority(named: "ca"))
        #expect(context.leafNotAfter(nil) == TestSupport.start + 48 * TestSupport.hour)
        #expect(context.leafNotAfter(context.policy.certificates[0]) == TestSupport.start + 48 * TestSupport.hour)
        #expect(context.caNotAfter(ca) == TestSupport.start + 1000 * TestSupport.hour)
    }
}

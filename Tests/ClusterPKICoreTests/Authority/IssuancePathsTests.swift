import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing
import X509

/// Every path of the core that issues certificates (CA creation, the tree, renewal, a direct signature such as a
/// CSR's), for each algorithm: openssl must print each certificate and verify it in strict X.509 mode.
@Suite struct IssuancePathsTests {
    @Test(arguments: [KeyAlgorithm.rsa2048, .ecdsaP256])
    func everyIssuedCertificatePassesOpenSSLStrictVerification(_ algorithm: KeyAlgorithm) async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let context = try CertsPhaseTests.context(root, algorithm: algorithm)
            try await CertsPhase(context: context).generate(["all"])
            let pki = context.directory.root
            let later = RenewerTests.at(context, TestSupport.start + 30 * TestSupport.day)
            let verifyTime = String(Int((later.now + TestSupport.hour).timeIntervalSince1970))

            // Each certificate file with its CA; read after renewal, so the renewed leaves are checked.
            var issued: [(file: URL, caFile: URL)] = []
            for profile in context.activeProfiles {
                let caBase =
                    profile.issuer.flatMap { context.policy.authority(named: $0)?.baseName } ?? profile.baseName
                issued.append((context.directory.url(profile.baseName, "crt"), context.directory.url(caBase, "crt")))
            }
            try await Renewer(context: later, credentials: later.fileCredentials).renew(["all"])
            // A direct signature, as a kubelet's CSR gets.
            let ca = CertificateAuthority(
                name: "ca", certificate: try TestSupport.certificate(pki.appendingPathComponent("ca.crt")),
                key: try TestSupport.key(pki.appendingPathComponent("ca.key")))
            let nodeKey = try PrivateKeyMaterial.generate(algorithm)
            let node = try ca.sign(
                IssuanceRequest(
                    commonName: "system:node:worker-1", organizations: ["system:nodes"],
                    subjectAltNames: SubjectAltNames(dnsNames: ["worker-1"], ipAddresses: [IPAddress("10.0.0.11")!]),
                    keyUsage: KeyUsage(
                        [.digitalSignature, .keyEncipherment], keyIsRSA: nodeKey.isRSA, keyEnciphermentOnlyForRSA: true),
                    extendedKeyUsages: [.clientAuth, .serverAuth], notBefore: later.notBefore,
                    notAfter: later.now + TestSupport.day),
                publicKey: nodeKey.publicKey)
            let nodeFile = root.appendingPathComponent("node.crt")
            try PEMCertificates.encode([node]).write(to: nodeFile, atomically: true, encoding: .utf8)
            issued.append((nodeFile, pki.appendingPathComponent("ca.crt")))

            for (file, caFile) in issued {
                let text = try TestSupport.openssl(["x509", "-in", file.path, "-noout", "-text"])
                #expect(
                    text.contains(algorithm.isRSA ? "rsaEncryption" : "id-ecPublicKey"), "\(file.lastPathComponent)")
                let verdict = try TestSupport.openssl([
                    "verify", "-x509_strict", "-attime", verifyTime, "-CAfile", caFile.path, file.path,
                ])
                #expect(verdict.hasSuffix(": OK\n"), "\(file.path): \(verdict)")
            }
        }
    }
}

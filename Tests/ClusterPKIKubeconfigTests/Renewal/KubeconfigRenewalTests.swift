import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKICommands
@testable import ClusterPKIKubeconfig

@Suite struct KubeconfigRenewalTests {
    /// Every line of the file with the three data values blanked, to compare everything else byte for byte.
    static func skeleton(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            for field in KubeconfigDocument.Field.allCases {
                if let range = line.range(of: field.rawValue + ": ") {
                    return String(line[..<range.upperBound]) + "<value>"
                }
            }
            return String(line)
        }.joined(separator: "\n")
    }

    @Test func renewReplacesExactlyTheThreeValuesAndKeepsTheRest() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        // Hand edits renewal must keep: comments, a namespace, an extra user, a stale but equivalent CA encoding.
        let original = try cluster.read("admin.conf")
        let staleCA = Data((try cluster.caCertificatePEM() + "\n\n").utf8).base64EncodedString()
        let document = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        let edited =
            "# managed by hand\n"
            + original
            .replacingOccurrences(of: try #require(document.value(.certificateAuthorityData)), with: staleCA)
            .replacingOccurrences(
                of: "    user: kubernetes-admin\n",
                with: "    namespace: kube-system   # default ns\n    user: kubernetes-admin\n")
            + "- name: someone-else\n  user:\n    token: abc.def\n"
        try edited.write(to: cluster.url("admin.conf"), atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: cluster.url("admin.conf").path)
        let before = try #require(
            try KubeconfigFileCredential(profile: cluster.policy.kubeconfigs[0], kubernetesDir: cluster.kubernetesDir)
                .currentCertificate())

        let report = try await Renewer(context: cluster.context, credentials: cluster.context.kubeconfigCredentials)
            .renew(["admin.conf"])
        #expect(report.items.map(\.outcome) == [.renewed])
        #expect(
            report.lines == [
                "certificate embedded in the kubeconfig file for the admin to use and for kubeadm itself renewed"
            ])

        let renewedText = try cluster.read("admin.conf")
        #expect(Self.skeleton(renewedText) == Self.skeleton(edited))
        let renewed = try #require(try KubeconfigDocument.load(cluster.url("admin.conf")))
        #expect(try renewed.pem(.certificateAuthorityData) == (try cluster.caCertificatePEM()))
        let certificate = try renewed.clientCertificate()
        #expect(certificate.serialNumber != before.serialNumber)
        #expect(certificate.subject == before.subject)
        let key = try PrivateKeyMaterial(pemEncoded: try #require(try renewed.pem(.clientKeyData)), path: "")
        #expect(key.publicKey == certificate.publicKey && key.publicKey != before.publicKey)
        #expect(try KubeConfig(yaml: renewedText, path: "").users.count == 2)
        let mode =
            try FileManager.default.attributesOfItem(atPath: cluster.url("admin.conf").path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func expirationReportListsRenewableKubeconfigsOnly() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try await KubeconfigPhase(context: cluster.context).generate(["all"])
        try FileManager.default.removeItem(at: cluster.url("scheduler.conf"))
        let report = try ExpirationReport(context: cluster.context, credentials: cluster.context.kubeconfigCredentials)
        #expect(
            report.certificates.map(\.name) == [
                "admin.conf", "controller-manager.conf", "scheduler.conf", "super-admin.conf",
            ])
        #expect(report.certificates.allSatisfy { $0.caName == "ca" })
        #expect(report.certificates.map(\.missing) == [false, false, true, false])
        #expect(report.text().contains("admin.conf"))
    }

    @Test func aRevokedCredentialIsNeverRenewed() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        let ledger = try cluster.ledger()
        let minted = try await UserCredentialMinter(context: cluster.context).mint(
            UserCredentialRequest(
                clientName: "kubernetes-super-admin", organizations: ["system:masters"], allowSuperuser: true),
            recorder: LedgerRecorder(ledger: ledger, actor: "root", now: Date()))
        try FileManager.default.createDirectory(at: cluster.kubernetesDir, withIntermediateDirectories: true)
        try minted.yaml.write(to: cluster.url("super-admin.conf"), atomically: true, encoding: .utf8)
        _ = try await ledger.revokeCredential(
            serial: try #require(minted.certificate?.serialHex), actor: "root", now: Date())

        let renewer = Renewer(context: cluster.context, credentials: cluster.context.kubeconfigCredentials) {
            try await ledger.renewalRefusal($0)
        }
        let report = try await renewer.renew(["super-admin.conf"])
        #expect(report.items.map(\.outcome) == [.refused])
        #expect(report.lines[0].contains("revoked in the credential ledger"))
        #expect(try cluster.read("super-admin.conf") == minted.yaml)
    }

    @Test func editsTheCurrentContextOnlyInAnyQuotingAndLineEnding() throws {
        let text = [
            "apiVersion: v1",
            "clusters:",
            "- {name: old, cluster: {server: 'https://a', certificate-authority-data: OLDCA}}",
            "- name: main",
            "  cluster:",
            "    certificate-authority-data: \"CA1\"   # quoted",
            "    server: https://b",
            "contexts:",
            "- {name: ctx, context: {cluster: main, user: u}}",
            "current-context: ctx",
            "kind: Config",
            "users:",
            "- name: other",
            "  user: {client-certificate-data: X, client-key-data: Y}",
            "- name: u",
            "  user: {client-certificate-data: 'CERT1', client-key-data: KEY1}",
            "",
        ].joined(separator: "\r\n")
        let document = try KubeconfigDocument(text: text, path: "t")
        let result = try document.replacing([
            .certificateAuthorityData: "CA2", .clientCertificateData: "CERT2", .clientKeyData: "KEY2",
        ])
        let expected = text.replacingOccurrences(of: "\"CA1\"", with: "\"CA2\"")
            .replacingOccurrences(of: "'CERT1', client-key-data: KEY1", with: "'CERT2', client-key-data: KEY2")
        #expect(result == expected)
    }

    @Test func refusesBlockScalarsInsteadOfRewritingTheFile() throws {
        let text =
            "apiVersion: v1\nclusters:\n- name: c\n  cluster:\n    server: s\n    certificate-authority-data: >\n      QUJD\n      REVG\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\ncurrent-context: x\nusers:\n- name: u\n  user: {client-certificate-data: A, client-key-data: B}\n"
        let document = try KubeconfigDocument(text: text, path: "t")
        #expect(
            throws: KubeconfigError.cannotEditInPlace(
                path: "t", field: "certificate-authority-data", reason: "it is a block scalar")
        ) {
            try document.replacing([.certificateAuthorityData: "Q"])
        }
    }

    @Test func aFileWithoutAnEmbeddedCertificateCannotBeRenewed() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        try FileManager.default.createDirectory(at: cluster.kubernetesDir, withIntermediateDirectories: true)
        let config = KubeConfig(
            clusterName: "kubernetes", server: "https://x", caPEM: try cluster.caCertificatePEM(), userName: "u",
            user: .init(token: "t"))
        try config.yaml().write(to: cluster.url("admin.conf"), atomically: true, encoding: .utf8)
        #expect(
            throws: KubeconfigError.missingEmbeddedData(
                path: cluster.url("admin.conf").path, field: "client certificate")
        ) {
            try KubeconfigFileCredential(profile: cluster.policy.kubeconfigs[0], kubernetesDir: cluster.kubernetesDir)
                .currentCertificate()
        }
    }
}

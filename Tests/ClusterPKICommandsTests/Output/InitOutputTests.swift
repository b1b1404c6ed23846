import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// The text `init` closes with.
@Suite struct InitOutputTests {
    @Test func closingTextNamesTheDirectoriesAndAdminConf() throws {
        let cluster = try TestCluster.empty()
        let text = InitOutput.closingText(cluster.settings)
        #expect(text.hasPrefix("\nYour Kubernetes control-plane certificates and kubeconfig files are ready!\n"))
        #expect(text.contains("Certificates and keys are in \(cluster.settings.certificatesDir.path),\n"))
        #expect(text.contains("  sudo cp -i \(cluster.kubernetesDir.path)/admin.conf $HOME/.kube/config\n"))
        #expect(
            text.hasSuffix(
                "Check expirations with `clusterpki certs check-expiration` and renew with `clusterpki certs renew all`."
            ))
    }

    @Test func joinTextHasTheControlPlaneCommandOnlyWithAKey() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        _ = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        let hash = try DiscoveryHash(of: try #require(try cluster.context.directory.readCertificates("ca")?.first))
        let worker = "lb.example.com:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash \(hash)"

        let workersOnly = try InitOutput.joinText(
            cluster.settings, token: "abcdef.0123456789abcdef", certificateKey: nil)
        #expect(
            workersOnly == """

                Then you can join any number of worker nodes by running the following on each as root:

                  clusterpki join \(worker)
                  (kubeadm equivalent: kubeadm join \(worker))
                """)

        let key = CertificateKey.generate()
        let both = try InitOutput.joinText(cluster.settings, token: "abcdef.0123456789abcdef", certificateKey: key)
        #expect(both.contains("  clusterpki join \(worker) --control-plane --certificate-key \(key)\n"))
        #expect(both.hasSuffix(workersOnly))
    }
}

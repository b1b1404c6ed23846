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

    /// With init's record, `clusterpki join` goes to what serve advertises and `kubeadm join` to the API server.
    @Test func joinTextSendsClusterpkiToServeAndKubeadmToTheAPIServer() async throws {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates()
        _ = try await KubeconfigPhase(context: cluster.context).generate(["admin"])
        try ServeEndpoint(
            listen: "127.0.0.1:9443", advertiseURL: "https://127.0.0.1:9443",
            apiServerURL: "https://lb.example.com:6443"
        )
        .write(kubernetesDir: cluster.kubernetesDir)
        let hash = try DiscoveryHash(of: try #require(try cluster.context.directory.readCertificates("ca")?.first))
        let flags = "--token abcdef.0123456789abcdef --discovery-token-ca-cert-hash \(hash)"
        let text = try InitOutput.joinText(cluster.settings, token: "abcdef.0123456789abcdef", certificateKey: nil)
        #expect(text.contains("  clusterpki join 127.0.0.1:9443 \(flags)\n"))
        #expect(
            text.hasSuffix(
                "  (with kubeadm, through the API server once it runs: kubeadm join lb.example.com:6443 \(flags))"))
    }
}

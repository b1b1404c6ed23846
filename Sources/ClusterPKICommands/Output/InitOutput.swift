import ClusterPKICore
import ClusterPKILifecycle
import Foundation

/// The text `init` closes with: where things are, how to use admin.conf, and the join commands.
enum InitOutput {
    /// The join commands for control-plane nodes (only with an uploaded certificate key) and for workers.
    static func joinText(_ settings: ClusterSettings, token: String, certificateKey: CertificateKey?) throws -> String {
        let worker = try JoinInstructions.lines(
            kubernetesDir: settings.kubernetesDir, token: token, certificateKey: nil)
        var text = ""
        if let certificateKey {
            let controlPlane = try JoinInstructions.lines(
                kubernetesDir: settings.kubernetesDir, token: token,
                certificateKey: certificateKey.description)
            text += """

                You can now join any number of control-plane nodes by running the following on each as root:

                  \(controlPlane[0])
                  \(kubeadmLine(controlPlane))

                Please note that the certificate-key gives access to cluster sensitive data, keep it secret!
                As a safeguard, uploaded-certs will be deleted in two hours; if necessary, you can use
                `clusterpki upload-certs` to reload certs afterward.

                """
        }
        text += """

            Then you can join any number of worker nodes by running the following on each as root:

              \(worker[0])
              \(kubeadmLine(worker))
            """
        return text
    }

    /// kubeadm's line: "equivalent" when it goes to the same endpoint, else said to go to the API server.
    static func kubeadmLine(_ lines: [String]) -> String {
        let clusterpki = lines[0].dropFirst("clusterpki join ".count)
        let kubeadm = lines[1].dropFirst("kubeadm join ".count)
        return clusterpki == kubeadm
            ? "(kubeadm equivalent: \(lines[1]))"
            : "(with kubeadm, through the API server once it runs: \(lines[1]))"
    }

    /// Where the files are, how to use admin.conf, and how to check and renew.
    static func closingText(_ settings: ClusterSettings) -> String {
        let admin = settings.kubernetesDir.appendingPathComponent("admin.conf").path
        return """

            Your Kubernetes control-plane certificates and kubeconfig files are ready!

            Certificates and keys are in \(settings.certificatesDir.path),
            kubeconfig files (admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf) in \(settings.kubernetesDir.path).

            To start using your cluster, you need to run the following as a regular user:

              mkdir -p $HOME/.kube
              sudo cp -i \(admin) $HOME/.kube/config
              sudo chown $(id -u):$(id -g) $HOME/.kube/config

            Alternatively, if you are the root user, you can run:

              export KUBECONFIG=\(admin)

            Check expirations with `clusterpki certs check-expiration` and renew with `clusterpki certs renew all`.
            """
    }
}

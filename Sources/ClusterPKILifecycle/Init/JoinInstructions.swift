import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// The join commands `token create --print-join-command` and `init` print (spec 4.6).
public enum JoinInstructions {
    /// `clusterpki join …` and `kubeadm join …`, each with one `--discovery-token-ca-cert-hash` per certificate in
    /// admin.conf's CA data. `clusterpki join` goes to what `clusterpki serve` advertises (as `init` recorded it in
    /// ``ServeEndpoint``), `kubeadm join` to the API server (admin.conf's server); a tree without a record uses
    /// admin.conf's server for both, as before.
    public static func lines(kubernetesDir: URL, token: String, certificateKey: String?) throws -> [String] {
        let path = kubernetesDir.appendingPathComponent("admin.conf").path
        guard let data = FileManager.default.contents(atPath: path) else {
            throw KubeconfigError.notAKubeconfig(
                path: path,
                detail: "cannot read it; run `clusterpki init` or `clusterpki kubeconfig generate admin` first")
        }
        let config = try KubeConfig(yaml: String(decoding: data, as: UTF8.self), path: path)
        let contextName = config.currentContext
        guard let clusterName = config.contexts.first(where: { $0.name == contextName })?.context.cluster,
            let cluster = config.clusters.first(where: { $0.name == clusterName })?.cluster,
            let caData = cluster.certificateAuthorityData.flatMap({ Data(base64Encoded: $0) })
        else {
            throw KubeconfigError.notAKubeconfig(
                path: path, detail: "its current context has no cluster with certificate-authority-data")
        }
        let hashes = try PEMCertificates.parse(String(decoding: caData, as: UTF8.self), path: path).map {
            try DiscoveryHash(of: $0)
        }
        let apiServer =
            cluster.server.hasPrefix("https://") ? String(cluster.server.dropFirst("https://".count)) : cluster.server
        let serve = try ServeEndpoint.load(kubernetesDir: kubernetesDir)?.joinEndpoint ?? apiServer
        var flags = " --token \(token)" + hashes.map { " --discovery-token-ca-cert-hash \($0)" }.joined()
        if let certificateKey { flags += " --control-plane --certificate-key \(certificateKey)" }
        return ["clusterpki join \(serve)\(flags)", "kubeadm join \(apiServer)\(flags)"]
    }
}

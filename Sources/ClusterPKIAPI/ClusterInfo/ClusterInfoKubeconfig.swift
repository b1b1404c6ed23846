import Foundation

/// The `kubeconfig` value of `kube-public/cluster-info` (spec 5.1), byte for byte as client-go serializes it.
///
/// Written from a fixed template rather than a YAML library so that the signed bytes cannot change with an
/// emitter's version; the only variable parts are a base64 string and a URL, neither of which needs quoting.
public enum ClusterInfoKubeconfig {
    /// The kubeconfig for `caPEM` (the bytes of `ca.crt`) and `server` (e.g. `https://192.168.0.101:6443`).
    public static func render(caPEM: Data, server: String) -> String {
        render(caData: caPEM.base64EncodedString(), server: server)
    }

    /// The kubeconfig for an already base64-encoded CA bundle.
    public static func render(caData: String, server: String) -> String {
        """
        apiVersion: v1
        clusters:
        - cluster:
            certificate-authority-data: \(caData)
            server: \(server)
          name: ""
        contexts: null
        current-context: ""
        kind: Config
        preferences: {}
        users: null

        """
    }
}

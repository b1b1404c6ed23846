import ClusterPKIAPI
import Foundation

/// Why a join failed; each message says what to do next.
public enum JoinError: Error, Equatable, Sendable {
    case invalidToken(String)
    case missingCAPins
    case noKubeconfigInClusterInfo
    case tokenNotValidForCluster(id: String)
    case badSignature
    case pinMismatch(presented: [String])
    case kubeconfigChanged
    case uploadExpired
    case forbidden(String)
    case csrDenied(reason: String, message: String)
    case timeout(step: String, last: String)
    case server(status: Int, message: String)
    case malformedResponse(String)
    case kubeletConfigUnusable(path: String, detail: String)
    case trustRefreshFailed(server: String, detail: String)
    case credentialNotRecorded(commonName: String, status: Int, message: String)
    /// The server cannot accept this node's client certificate: it expired, or its CA is not trusted any more.
    case clientCertificateRejected(path: String, cause: ClientCertificateRejection, kubernetesDir: String)

    public var message: String {
        switch self {
        case .invalidToken(let value):
            return
                "the token \"\(value)\" is not of the form [a-z0-9]{6}.[a-z0-9]{16}; create one with `clusterpki token create` on a control-plane node"
        case .missingCAPins:
            return
                "using token-based discovery without --discovery-token-ca-cert-hash is unsafe; pass the hash printed by `clusterpki certs ca-hash` on a control-plane node"
        case .noKubeconfigInClusterInfo:
            return
                "there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect"
        case .tokenNotValidForCluster(let id):
            return
                "token id \"\(id)\" is invalid for this cluster or it has expired. Use \"clusterpki token create\" on the control-plane node to create a new valid token"
        case .badSignature:
            return "failed to verify JWS signature of received cluster info object, can't trust this API Server"
        case .pinMismatch(let presented):
            return
                "none of the public keys \"\(presented.joined(separator: ":"))\" are pinned; check --discovery-token-ca-cert-hash against `clusterpki certs ca-hash` on a control-plane node"
        case .kubeconfigChanged:
            return
                "the second kubeconfig from the cluster-info ConfigMap (using validated TLS) was different from the first; retry, and check for a man in the middle"
        case .uploadExpired:
            return
                "Secret \"kubeadm-certs\" was not found in the \"kube-system\" Namespace. This Secret might have expired. Please, run `clusterpki upload-certs` on a control plane to generate a new one"
        case .forbidden(let detail):
            return
                "the server refused the request: \(detail); check that the token is valid, not expired and allowed to join"
        case .csrDenied(let reason, let message):
            return "the certificate signing request was denied (\(reason)): \(message)"
        case .timeout(let step, let last):
            return
                "timed out during \(step) (last error: \(last)); check that the server is reachable, or raise --timeout"
        case .server(let status, let message):
            return "the server answered \(status): \(message)"
        case .malformedResponse(let detail):
            return "the server's answer is not what a clusterpki/Kubernetes API server sends: \(detail)"
        case .kubeletConfigUnusable(let path, let detail):
            return
                "\(path) cannot be used to renew the kubelet's credential: \(detail); join the node again with `clusterpki join`"
        case .trustRefreshFailed(let server, let detail):
            return
                "cannot read cluster-info from \(server) over TLS verified with this node's CA data (\(detail)); if the cluster CA was switched before this node refreshed its trust, join it again with `clusterpki join` and a new token, otherwise check that the server is reachable"
        case .clientCertificateRejected(let path, let cause, let kubernetesDir):
            return
                "this node's client certificate (\(path)) \(cause.description), so the server rejects it and renewing through the server cannot work; join the node again with a new token (`clusterpki token create` on a control-plane node, then `clusterpki join`), or on a control-plane node re-issue kubelet.conf from the local CA with `clusterpki rotate --kubernetes-dir \(kubernetesDir)`"
        case .credentialNotRecorded(let commonName, let status, let message):
            let hint: String
            switch status {
            case 401, 403:
                hint =
                    "join with a token of a group in the policy's server.certsDownload.groups (the groups that may download kubeadm-certs)"
            case 404, 405:
                hint =
                    "the server does not serve POST \(APIPaths.issuedCredentials); upgrade clusterpki serve to this version"
            default: hint = "see the clusterpki serve log"
            }
            return
                "the server did not record the client certificate of \"\(commonName)\" in its credential ledger (HTTP \(status): \(message)), so no kubeconfig file was written; \(hint), then run the join again"
        }
    }
}

extension JoinError: CustomStringConvertible, LocalizedError {
    public var description: String { message }
    public var errorDescription: String? { message }
}

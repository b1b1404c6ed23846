import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Control-plane join: fetches the encrypted `kubeadm-certs` Secret and writes the shared files (all or nothing).
struct CertsDownload: Sendable {
    let client: APIClient
    let retry: Retry
    /// Where a state key carried by the upload is written.
    var stateKeyFile: URL?

    func run(into context: TreeContext, key: CertificateKey, progress: @Sendable (String) -> Void) async throws
        -> [String]
    {
        progress(
            "[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace"
        )
        let values = try await retry.run(step: "download-certs") { () -> Retry.Outcome<[String: Data]> in
            let response = try await client.send(.GET, APIPaths.kubeadmCerts)
            switch response.status {
            case 200: break
            case 404: throw JoinError.uploadExpired
            case 401, 403: throw JoinError.forbidden(APIClient.message(of: response))
            default: return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
            let secret = try APIClient.decode(Secret.self, from: response, what: "kubeadm-certs")
            guard secret.data != nil else {
                throw JoinError.malformedResponse("kubeadm-certs is not a Secret with data")
            }
            guard let values = secret.decodedBytes() else {
                throw JoinError.malformedResponse("a value of kubeadm-certs is not base64")
            }
            return .done(values)
        }
        return try await SharedCertificates(context: context, stateKey: stateKeyFile).open(values, with: key)
    }
}

import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Control-plane join: fetches the encrypted `kubeadm-certs` Secret and writes the shared files (all or nothing).
struct CertsDownload: Sendable {
    let client: APIClient
    let retry: Retry

    static let path = "/api/v1/namespaces/kube-system/secrets/kubeadm-certs"

    func run(into context: TreeContext, key: CertificateKey, progress: @Sendable (String) -> Void) async throws -> [String] {
        progress("[download-certs] Downloading the certificates in Secret \"kubeadm-certs\" in the \"kube-system\" Namespace")
        let values = try await retry.run(step: "download-certs") { () -> Retry.Outcome<[String: Data]> in
            let response = try await client.send(.GET, Self.path)
            switch response.status {
            case 200: break
            case 404: throw JoinError.uploadExpired
            case 401, 403: throw JoinError.forbidden(APIClient.message(of: response))
            default: return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
            guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
                let data = object["data"] as? [String: String]
            else { throw JoinError.malformedResponse("kubeadm-certs is not a Secret with data") }
            var values: [String: Data] = [:]
            for (name, encoded) in data {
                guard let value = Data(base64Encoded: encoded) else { throw JoinError.malformedResponse("\(name) is not base64") }
                values[name] = value
            }
            return .done(values)
        }
        return try await SharedCertificates(context: context).open(values, with: key)
    }
}

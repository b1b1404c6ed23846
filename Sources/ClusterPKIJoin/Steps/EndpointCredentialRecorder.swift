import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import Foundation
import X509

/// Control-plane join: reports each client certificate the kubeconfig phase mints here (admin.conf,
/// controller-manager.conf, scheduler.conf) to the server's credential ledger, with the node's bootstrap token,
/// before the file is written. A joining node has no state store; the server records what it is shown.
struct EndpointCredentialRecorder: CredentialRecording {
    let client: APIClient
    let retry: Retry
    let progress: @Sendable (String) -> Void

    func record(_ certificate: Certificate) async throws {
        let commonName = certificate.subject.kubernetesIdentity.commonName
        let serial = certificate.serialHex
        let object = IssuedCredentialObject(
            spec: .init(certificate: Data(try PEMCertificates.encode([certificate]).utf8).base64EncodedString()))
        try await retry.run(step: "recording the client certificate of \(commonName)") { () -> Retry.Outcome<Void> in
            let response = try await client.send(.POST, APIPaths.issuedCredentials, object: object)
            switch response.status {
            // 409: the serial is recorded already, by this request when a retry follows a lost answer.
            case 200, 201, 409: return .done(())
            case 400, 401, 403, 404, 405, 422:
                throw JoinError.credentialNotRecorded(
                    commonName: commonName, status: response.status, message: APIClient.message(of: response))
            default: return .again("HTTP \(response.status): \(APIClient.message(of: response))")
            }
        }
        progress(
            "[kubeconfig] Recorded the client certificate of \"\(commonName)\" (serial \(serial)) in the cluster's credential ledger"
        )
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging

/// What an admin does to a CSR with kubectl: `kubectl certificate approve|deny NAME` (PUT the approval subresource)
/// and `kubectl delete csr NAME`.
extension CSRController {
    /// Admin client certificates only: deciding or deleting another's CSR is cluster-admin work.
    private func authorizeAdmin(_ identity: Identity, verb: String, resource: String, name: String) throws {
        guard identity.isCertificate(inAny: environment.serverPolicy.adminOrganizations) else {
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: verb, resource: resource, group: Self.group, name: name)
        }
    }

    /// `PUT /apis/certificates.k8s.io/v1/certificatesigningrequests/{name}/approval`: 200 with the decided object.
    func approval(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("name")
        let identity = context.identity
        try authorizeAdmin(identity, verb: "update", resource: "\(Self.resource)/approval", name: name)
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let update =
            CSRApprovalProtobuf.isProtobuf(request.headers[.contentType])
            ? try CSRApprovalProtobuf.decode(body)
            : try RequestBody.decode(
                CertificateSigningRequestObject.self, from: body, what: "CertificateSigningRequest")
        let decided = try await issuer.decide(name: name, update: update, admin: identity, client: context.client)
        var metadata: Logger.Metadata = [
            "csr": "\(name)", "signer": "\(decided.object.spec.signerName)", "admin": "\(identity.username)",
            "client": "\(context.client)",
        ]
        if !decided.changed {
            context.logger.info("csr already decided; approval unchanged", metadata: metadata)
        } else if let certificate = decided.certificate {
            metadata["serial"] = "\(certificate.serialHex)"
            environment.metrics.csrSigned(signer: decided.object.spec.signerName)
            context.logger.info("csr approved by an admin and signed", metadata: metadata)
        } else {
            metadata["reason"] = "\(decided.decision.reason)"
            environment.metrics.csrDenied(signer: decided.object.spec.signerName, reason: decided.decision.reason)
            context.logger.notice("csr denied by an admin", metadata: metadata)
        }
        return KubernetesJSON.response(bytes: decided.json, status: .ok)
    }

    /// `DELETE /apis/certificates.k8s.io/v1/certificatesigningrequests/{name}`: 200 with the deleted object, at once,
    /// so kubectl's wait (a GET expecting 404) ends.
    func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let name = try context.parameters.require("name")
        try authorizeAdmin(context.identity, verb: "delete", resource: Self.resource, name: name)
        let deleted = try await issuer.delete(name: name, admin: context.identity, client: context.client)
        context.logger.info("csr deleted", metadata: ["csr": "\(name)", "admin": "\(context.identity.username)"])
        return try KubernetesJSON.response(deleted)
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import X509

/// `clusterpki.io/v1alpha1` IssuedCredentials: a joining control-plane node reports the client certificates it minted
/// with the downloaded `ca.key` (admin.conf, controller-manager.conf, scheduler.conf), so the ledger lists them too.
///
/// Allowed for bootstrap tokens of `server.certsDownload.groups` (whoever may fetch kubeadm-certs holds `ca.key`
/// anyway) and admin client certificates. The row comes from the certificate, never from the caller's words: it must
/// be a client certificate of a CA of the current `ca.crt`, valid now.
struct IssuedCredentialsController: Sendable {
    let environment: ServerEnvironment

    static let resource = "issuedcredentials"
    static let group = APIPaths.clusterPKIGroup

    private func authorize(_ identity: Identity) throws {
        let policy = environment.serverPolicy
        if case .token = identity, identity.isMember(ofAny: policy.certsDownload.groups) { return }
        if identity.isCertificate(inAny: policy.adminOrganizations) { return }
        throw KubernetesStatus.forbidden(
            user: identity.username, verb: "create", resource: Self.resource, group: Self.group)
    }

    func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        try authorize(identity)
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        var object = try RequestBody.decode(IssuedCredentialObject.self, from: body, what: "IssuedCredential")
        let name = object.metadata?.name ?? ""
        func invalid(_ problem: String) -> KubernetesStatus {
            .invalid(Self.resource, group: Self.group, name: name, problem)
        }

        guard let pemBytes = Data(base64Encoded: object.spec.certificate),
            let pem = String(data: pemBytes, encoding: .utf8),
            let certificate = try? PEMCertificates.parse(pem, path: "spec.certificate").first
        else { throw invalid("spec.certificate: Invalid value: must be base64 of a PEM CERTIFICATE") }
        let now = environment.now()
        if let problem = Self.problem(with: certificate, authorities: environment.authorities.current(), now: now) {
            throw invalid("spec.certificate: Invalid value: \(problem)")
        }
        let client = context.client
        let credential = try IssuedCredential(
            certificate: certificate, created: now, actor: "\(identity.username)@\(client)")
        let reference = ObjectReference(resource: Self.resource, group: Self.group, name: credential.serial)
        try await KubernetesStatus.addressing(reference) {
            try await environment.store.recordCredential(credential)  // the ledger row and its audit event, together
        }
        context.logger.info(
            "issued credential recorded",
            metadata: [
                "cn": .untrusted(credential.commonName), "serial": "\(credential.serial)",
                "by": .untrusted(identity.username),
                "client": .untrusted(client),
            ])
        object.kind = "IssuedCredential"
        object.apiVersion = APIPaths.clusterPKIGroupVersion
        object.metadata = ObjectMeta(name: credential.serial, creationTimestamp: RFC3339.format(now))
        object.status = .init(
            serial: credential.serial, commonName: credential.commonName, organizations: credential.organizations,
            notAfter: RFC3339.format(credential.notAfter))
        return try KubernetesJSON.response(object, status: .created)
    }

    /// Why `certificate` is not a client credential of this cluster now, or nil.
    static func problem(with certificate: Certificate, authorities: ClusterCASnapshot, now: Date) -> String? {
        guard authorities.trusts(certificate) else { return "not signed by a CA of the cluster's ca.crt" }
        guard certificate.notValidBefore <= now else {
            return "not valid before \(RFC3339.format(certificate.notValidBefore))"
        }
        guard now <= certificate.notValidAfter else { return "expired at \(RFC3339.format(certificate.notValidAfter))" }
        guard let usages = try? certificate.extensions.extendedKeyUsage, usages.contains(.clientAuth) else {
            return "not a client certificate (extended key usage clientAuth is missing)"
        }
        guard !certificate.subject.kubernetesIdentity.commonName.isEmpty else {
            return "the subject has no common name"
        }
        return nil
    }
}

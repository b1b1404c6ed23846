import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import X509

/// `clusterpki.io/v1alpha1`: minting user kubeconfigs and uploading the shared certificates, for admins only.
struct AdminController: Sendable {
    let environment: ServerEnvironment

    static let group = APIPaths.clusterPKIGroup
    /// The only group whose members may mint credentials in the policy's privileged organizations.
    static let superuserGroup = "system:masters"

    private func requireAdmin(_ identity: Identity, verb: String, resource: String) throws {
        guard identity.isCertificate(inAny: environment.serverPolicy.adminOrganizations) else {
            throw KubernetesStatus.forbidden(user: identity.username, verb: verb, resource: resource, group: Self.group)
        }
    }

    /// Mints with the same ``UserCredentialMinter`` as `kubeconfig user` (the same superuser and validity rules,
    /// recorded in the ledger), signed by the CA the server follows now and trusting its whole bundle.
    func createUserKubeconfig(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        try requireAdmin(identity, verb: "create", resource: "userkubeconfigs")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        var object = try RequestBody.decode(UserKubeconfigObject.self, from: body, what: "UserKubeconfig")
        let username = object.spec?.username ?? object.metadata.name ?? ""
        let reference = ObjectReference.userKubeconfig(username)
        guard !username.isEmpty else { throw KubernetesStatus.invalid(reference, "spec.username: Required value") }
        var validity: GoDuration?
        if let text = object.spec?.validity {
            guard let parsed = try? GoDuration(parsing: text) else {
                throw KubernetesStatus.invalid(reference, Self.invalidValidity(text))
            }
            validity = parsed
        }
        try Self.validateNames(username: username, groups: object.spec?.groups ?? [], reference: reference)
        let credential = UserCredentialRequest(
            clientName: username, organizations: object.spec?.groups ?? [], validity: validity,
            server: object.spec?.server ?? environment.apiServerURL,
            allowSuperuser: identity.isCertificate(inAny: [Self.superuserGroup]))
        let now = environment.now()
        var tree = environment.tree
        tree.now = now
        let snapshot = environment.authorities.current()  // one snapshot: the signer and the CA data agree mid-rotation
        let minted: UserKubeconfig
        do {
            minted = try await UserCredentialMinter(context: tree).mint(
                credential,
                authority: MintingAuthority(
                    signer: snapshot.signing, bundlePEM: String(decoding: snapshot.bundlePEM, as: UTF8.self)),
                recorder: LedgerRecorder(ledger: environment.store, actor: identity.username, now: now))
        } catch let error as KubeconfigError {
            throw Self.status(error, request: credential, validity: object.spec?.validity, requester: identity)
        }
        guard let certificate = minted.certificate else { throw KubernetesStatus.internalError }  // no token was asked for
        let serial = certificate.serialHex
        object.kind = "UserKubeconfig"
        object.apiVersion = APIPaths.clusterPKIGroupVersion
        object.metadata = ObjectMeta(name: object.metadata.name ?? username, creationTimestamp: RFC3339.format(now))
        object.status = .init(
            kubeconfig: UserKubeconfigYAML.render(minted.config), serial: serial,
            notAfter: RFC3339.format(certificate.notValidAfter))
        for warning in minted.warnings { context.logger.notice("\(warning)", metadata: ["user": .untrusted(username)]) }
        context.logger.info(
            "user kubeconfig minted",
            metadata: [
                "user": .untrusted(username), "groups": .untrusted("\(credential.organizations)"),
                "serial": "\(serial)",
                "by": .untrusted(identity.username),
            ])
        return try KubernetesJSON.response(object, status: .created)
    }

    func createUpload(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let identity = context.identity
        try requireAdmin(identity, verb: "create", resource: "certificateuploads")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let object =
            body.isEmpty
            ? CertificateUploadObject()
            : try RequestBody.decode(CertificateUploadObject.self, from: body, what: "CertificateUpload")
        let key: CertificateKey
        if let text = object.spec?.certificateKey {
            do { key = try CertificateKey(parsing: text) } catch {
                throw KubernetesStatus.invalid(
                    "certificateuploads", group: Self.group, name: Upload.kubeadmCertsName,
                    "spec.certificateKey: Invalid value: must be 64 hex characters (32 bytes)")
            }
        } else {
            key = CertificateKey.generate()
        }
        let now = environment.now()
        var tree = environment.tree
        tree.now = now
        let upload = try await CertificateUploader.upload(
            context: tree, store: environment.store, key: key, actor: identity.username,
            stateKey: environment.stateKeyFile
        ).upload
        let blobs = upload.blobs
        var result = CertificateUploadObject()
        result.metadata = ObjectMeta(name: Upload.kubeadmCertsName, creationTimestamp: RFC3339.format(now))
        result.status = .init(
            certificateKey: key.description, expires: upload.expires.map(RFC3339.format),
            proxyTokenID: upload.proxyTokenID,
            keys: blobs.keys.sorted())
        // The key goes to the admin who asked, never to the log.
        context.logger.info(
            "certificates uploaded",
            metadata: ["by": .untrusted(identity.username), "proxyToken": "\(upload.proxyTokenID)"])
        return try KubernetesJSON.response(result, status: .created)
    }
}

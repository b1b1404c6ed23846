import ClusterPKIAPI
import ClusterPKICore
import ClusterPKILifecycle
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging
import X509

/// `clusterpki.io/v1alpha1`: minting user kubeconfigs and uploading the shared certificates, for admins only.
struct AdminController: Sendable {
    let environment: ServerEnvironment
    let authenticator: Authenticator

    static let group = "clusterpki.io"

    private func requireAdmin(_ identity: Identity, verb: String, resource: String) throws {
        guard identity.isCertificate(inAny: environment.serverPolicy.adminOrganizations) else {
            throw KubernetesStatus.forbidden(user: identity.username, verb: verb, resource: resource, group: Self.group)
        }
    }

    func createUserKubeconfig(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        try requireAdmin(identity, verb: "create", resource: "userkubeconfigs")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        var object = try RequestBody.decode(UserKubeconfigObject.self, from: body, what: "UserKubeconfig")
        let username = object.spec?.username ?? object.metadata.name ?? ""
        func invalid(_ problem: String) -> KubernetesStatus { .invalid("userkubeconfigs", group: Self.group, name: username, problem) }
        guard !username.isEmpty else { throw invalid("spec.username: Required value") }
        let groups = object.spec?.groups ?? []
        let userPolicy = environment.policy.userCredentials
        let privileged = groups.filter(userPolicy.privilegedOrganizations.contains)
        if !privileged.isEmpty && !identity.isCertificate(inAny: ["system:masters"]) {
            throw KubernetesStatus.forbidden(
                user: identity.username, verb: "create", resource: "userkubeconfigs", group: Self.group, name: username,
                why: "groups \(privileged) are privileged (policy userCredentials.privilegedOrganizations); only system:masters may mint them")
        }
        var validity = userPolicy.defaultValidity.seconds
        if let text = object.spec?.validity {
            guard let parsed = try? GoDuration(parsing: text), parsed.seconds > 0 else {
                throw invalid("spec.validity: Invalid value: \"\(text)\": must be a positive Go duration such as 24h")
            }
            validity = parsed.seconds
        }
        guard validity <= userPolicy.maxValidity.seconds else {
            throw invalid("spec.validity: Invalid value: longer than the policy's userCredentials.maxValidity (\(userPolicy.maxValidity))")
        }
        let server = try object.spec?.server ?? environment.tree.settings.controlPlaneURL()
        let now = environment.now()
        let key = try PrivateKeyMaterial.generate(environment.tree.keyAlgorithm)
        let issuance = IssuanceRequest(
            commonName: username, organizations: groups,
            keyUsage: KeyUsage([.digitalSignature, .keyEncipherment], keyIsRSA: key.isRSA, keyEnciphermentOnlyForRSA: environment.policy.keyEnciphermentOnlyForRSA),
            extendedKeyUsages: [.clientAuth], notBefore: now - environment.policy.validity.backdate.seconds, notAfter: now + validity)
        let authority = environment.authorities.current()  // one snapshot: the signer and the CA data agree mid-rotation
        let certificate = try authority.signing.sign(issuance, publicKey: key.publicKey)
        let serial = certificate.serialHex
        try await environment.store.recordCredential(
            try IssuedCredential(
                serial: serial, commonName: username, organizations: groups, notAfter: certificate.notValidAfter, created: now,
                actor: identity.username))
        let kubeconfig = UserKubeconfigYAML.render(
            clusterName: environment.tree.settings.clusterName, server: server, caPEM: authority.bundlePEM, user: username,
            certificatePEM: try PEMCertificates.encode([certificate]), keyPEM: try key.pemString())
        object.kind = "UserKubeconfig"
        object.apiVersion = "clusterpki.io/v1alpha1"
        object.metadata = ObjectMeta(name: object.metadata.name ?? username, creationTimestamp: RFC3339.format(now))
        object.status = .init(kubeconfig: kubeconfig, serial: serial, notAfter: RFC3339.format(certificate.notValidAfter))
        context.logger.info(
            "user kubeconfig minted", metadata: ["user": "\(username)", "groups": "\(groups)", "serial": "\(serial)", "by": "\(identity.username)"])
        return try KubernetesJSON.response(object, status: .created)
    }

    func createUpload(_ request: Request, context: ServerContext) async throws -> Response {
        let identity = try await authenticator.identity(for: request, context: context)
        try requireAdmin(identity, verb: "create", resource: "certificateuploads")
        let body = try await RequestBody.read(request, limit: environment.serverPolicy.maxRequestBodyBytes)
        let object = body.isEmpty ? CertificateUploadObject() : try RequestBody.decode(CertificateUploadObject.self, from: body, what: "CertificateUpload")
        let key: CertificateKey
        if let text = object.spec?.certificateKey {
            do { key = try CertificateKey(parsing: text) } catch {
                throw KubernetesStatus.invalid("certificateuploads", group: Self.group, name: Upload.kubeadmCertsName, "spec.certificateKey: Invalid value: must be 64 hex characters (32 bytes)")
            }
        } else {
            key = CertificateKey.generate()
        }
        let now = environment.now()
        var tree = environment.tree
        tree.now = now
        let upload = try await CertificateUploader.upload(context: tree, store: environment.store, key: key, actor: identity.username).upload
        let blobs = upload.blobs
        var result = CertificateUploadObject()
        result.metadata = ObjectMeta(name: Upload.kubeadmCertsName, creationTimestamp: RFC3339.format(now))
        result.status = .init(
            certificateKey: key.description, expires: upload.expires.map(RFC3339.format), proxyTokenID: upload.proxyTokenID,
            keys: blobs.keys.sorted())
        // The key goes to the admin who asked, never to the log.
        context.logger.info("certificates uploaded", metadata: ["by": "\(identity.username)", "proxyToken": "\(upload.proxyTokenID)"])
        return try KubernetesJSON.response(result, status: .created)
    }
}

/// A client-certificate kubeconfig in client-go's layout (spec 2.2).
enum UserKubeconfigYAML {
    static func render(clusterName: String, server: String, caPEM: Data, user: String, certificatePEM: String, keyPEM: String) -> String {
        let cluster = quote(clusterName)
        let userName = quote(user)
        let context = quote("\(user)@\(clusterName)")
        return """
            apiVersion: v1
            clusters:
            - cluster:
                certificate-authority-data: \(caPEM.base64EncodedString())
                server: \(quote(server))
              name: \(cluster)
            contexts:
            - context:
                cluster: \(cluster)
                user: \(userName)
              name: \(context)
            current-context: \(context)
            kind: Config
            preferences: {}
            users:
            - name: \(userName)
              user:
                client-certificate-data: \(Data(certificatePEM.utf8).base64EncodedString())
                client-key-data: \(Data(keyPEM.utf8).base64EncodedString())

            """
    }

    /// A YAML double-quoted scalar (JSON string syntax is valid YAML).
    static func quote(_ value: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        let data = (try? encoder.encode(value)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

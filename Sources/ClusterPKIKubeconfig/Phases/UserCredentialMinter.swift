import ClusterPKICore
import Foundation
import X509

/// Phase `kubeconfig user`: a kubeconfig for a person, printed rather than written (spec 2.4).
/// Inputs: ``TreeContext``, a ``UserCredentialRequest``, a ``CredentialRecording`` (the ledger). Outputs: the YAML,
/// after the certificate is recorded.
///
/// Improvements on kubeadm: the validity defaults to the policy's (a day, not a year) and is capped, superuser
/// groups need `allowSuperuser`, and every certificate is recorded so it can be listed and revoked.
public struct UserCredentialMinter: Sendable {
    public let context: TreeContext

    public init(context: TreeContext) { self.context = context }

    /// Checks the request against the policy and returns the validity to use; nothing is read or written.
    public func validate(_ request: UserCredentialRequest) throws -> GoDuration {
        guard !request.clientName.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw KubeconfigError.emptyClientName
        }
        if let token = request.token {
            guard !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw KubeconfigError.emptyToken
            }
            guard request.organizations.isEmpty else { throw KubeconfigError.organizationsWithToken }
        }
        if request.organizations.contains(where: { $0.trimmingCharacters(in: .whitespaces).isEmpty }) {
            throw KubeconfigError.emptyOrganization
        }
        let limits = context.policy.userCredentials
        if !request.allowSuperuser,
            let privileged = request.organizations.first(where: { limits.privilegedOrganizations.contains($0) })
        {
            throw KubeconfigError.privilegedOrganization(privileged)
        }
        let validity = request.validity ?? limits.defaultValidity
        guard validity.seconds > 0 else { throw KubeconfigError.nonPositiveValidity(validity.description) }
        guard validity.seconds <= limits.maxValidity.seconds else {
            throw KubeconfigError.validityAboveMaximum(
                requested: validity.description, maximum: limits.maxValidity.description)
        }
        return validity
    }

    /// A token kubeconfig (no certificate, nothing recorded); only `ca.crt` is needed.
    public func mintToken(_ request: UserCredentialRequest) async throws -> UserKubeconfig {
        _ = try validate(request)
        guard let token = request.token else { throw KubeconfigError.emptyToken }
        let authority = try context.clusterAuthority()
        return try tokenKubeconfig(
            request, token: token, bundlePEM: try PEMCertificates.encode([authority.certificate]))
    }

    /// Mints the kubeconfig with the cluster CA of the pki dir; a client certificate is recorded by `recorder` before
    /// it is returned.
    public func mint(_ request: UserCredentialRequest, recorder: some CredentialRecording) async throws
        -> UserKubeconfig
    {
        _ = try validate(request)
        let authority = try context.clusterAuthority()
        return try await mint(
            request,
            authority: MintingAuthority(
                signer: authority, bundlePEM: try PEMCertificates.encode([authority.certificate])),
            recorder: recorder)
    }

    /// Mints the kubeconfig signed by `authority.signer`, trusting `authority.bundlePEM`; the same rules as
    /// ``mint(_:recorder:)``, for a caller that holds the CA itself (`clusterpki serve`).
    public func mint(
        _ request: UserCredentialRequest, authority: MintingAuthority, recorder: some CredentialRecording
    ) async throws -> UserKubeconfig {
        let validity = try validate(request)
        let server = try request.server ?? context.settings.controlPlaneURL()
        if let token = request.token {
            return try tokenKubeconfig(request, token: token, bundlePEM: authority.bundlePEM)
        }
        let signer = authority.signer
        if signer.isExternal {
            let profile = try context.clusterCAProfile
            throw KubeconfigError.externalCA(
                keyPath: context.directory.url(profile.baseName, "key").path,
                files: ["a client certificate for \(request.clientName)"])
        }
        let key = try PrivateKeyMaterial.generate(context.keyAlgorithm)
        let notAfter = context.now + validity.seconds
        let certificate = try signer.sign(
            context.clientRequest(
                commonName: request.clientName, organizations: request.organizations, key: key, notAfter: notAfter),
            publicKey: key.publicKey)
        var warnings: [String] = []
        if notAfter > signer.certificate.notValidAfter {
            warnings.append(
                "[kubeconfig] WARNING: the credential would outlive the CA; its NotAfter is capped at the CA's \(certificate.notValidAfter.formatted(.iso8601))"
            )
        }
        let config = KubeConfig(
            clusterName: context.settings.clusterName, server: server, caPEM: authority.bundlePEM,
            userName: request.clientName,
            user: .certificate(pem: try PEMCertificates.encode([certificate]), keyPEM: try key.pemString()))
        let yaml = try config.yaml()
        try await recorder.record(certificate)
        return UserKubeconfig(yaml: yaml, config: config, certificate: certificate, warnings: warnings)
    }

    private func tokenKubeconfig(_ request: UserCredentialRequest, token: String, bundlePEM: String) throws
        -> UserKubeconfig
    {
        let config = KubeConfig(
            clusterName: context.settings.clusterName, server: try request.server ?? context.settings.controlPlaneURL(),
            caPEM: bundlePEM, userName: request.clientName, user: KubeConfig.AuthInfo(token: token))
        return UserKubeconfig(yaml: try config.yaml(), config: config, certificate: nil, warnings: [])
    }
}

import ClusterPKICore
import Foundation
import X509

/// What `kubeconfig user` was asked for.
public struct UserCredentialRequest: Sendable, Hashable {
    public var clientName: String
    public var organizations: [String]
    /// Nil means the policy's `userCredentials.defaultValidity`.
    public var validity: GoDuration?
    /// Nil means the control-plane endpoint.
    public var server: String?
    /// A token kubeconfig instead of a client certificate.
    public var token: String?
    /// Allows organizations the policy lists as privileged (e.g. `system:masters`).
    public var allowSuperuser: Bool

    public init(
        clientName: String, organizations: [String] = [], validity: GoDuration? = nil, server: String? = nil,
        token: String? = nil, allowSuperuser: Bool = false
    ) {
        self.clientName = clientName
        self.organizations = organizations
        self.validity = validity
        self.server = server
        self.token = token
        self.allowSuperuser = allowSuperuser
    }
}

/// A kubeconfig minted for a person, ready to print.
public struct UserKubeconfig: Sendable {
    public var yaml: String
    /// The kubeconfig `yaml` renders, for a caller that writes it in another layout (the endpoint's API object).
    public var config: KubeConfig
    /// The client certificate, recorded before it was returned (nil for a token kubeconfig).
    public var certificate: Certificate?
    /// Lines for stderr, e.g. that NotAfter was capped at the CA's.
    public var warnings: [String]
}

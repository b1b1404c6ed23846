import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

/// `token create`: kubeadm's flag rules, all checked before anything is stored (kubeadm creates the token first and
/// complains afterwards), then the token and what to print for it.
public struct TokenCreation: Sendable {
    public var request: TokenRequest
    /// Print the join commands instead of the bare token.
    public var printJoinCommand: Bool
    /// With ``printJoinCommand``: also print the control-plane join command with this key, as it was given.
    public var certificateKey: String?

    /// Checks the flags: `--certificate-key` needs `--print-join-command` and must be a 32-byte hex key; then the
    /// request itself (``TokenRequest/parsing(token:ttl:usages:groups:description:maxUses:)``).
    public init(
        token: String?, ttl: String, usages: [String], groups: [String], description: String, maxUses: Int?,
        printJoinCommand: Bool, certificateKey: String?
    ) throws {
        if certificateKey != nil && !printJoinCommand { throw StoreError.certificateKeyWithoutJoinCommand }
        if let certificateKey { _ = try CertificateKey(parsing: certificateKey) }
        request = try TokenRequest.parsing(
            token: token, ttl: ttl, usages: usages, groups: groups, description: description, maxUses: maxUses)
        self.printJoinCommand = printJoinCommand
        self.certificateKey = certificateKey
    }

    /// Stores the token and returns the lines to print: the token, or the `clusterpki join` and `kubeadm join`
    /// commands built from `<kubernetesDir>/admin.conf`.
    public func create(in store: some TokenStore, kubernetesDir: URL, actor: String, now: Date) async throws -> [String]
    {
        let created = try await store.createToken(request, actor: actor, now: now)
        guard printJoinCommand else { return [created.token.token] }
        return try JoinInstructions.lines(
            kubernetesDir: kubernetesDir, token: created.token.token, certificateKey: certificateKey)
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// `clusterpki init`: the PKI phases of `kubeadm init` run in order with the same settings (certs, kubeconfig,
/// bootstrap-token, upload-certs).
/// Inputs: ``TreeContext``, ``Options``, the state store (opened only by the phases that need it). Outputs: the tree,
/// the kubeconfig files, a bootstrap token, optionally the sealed upload, and kubeadm's lines.
public struct InitWorkflow: Sendable {
    /// What `init` was asked for beyond the cluster settings.
    public struct Options: Sendable {
        /// The token to create (random when nil).
        public var token: BootstrapTokenString?
        /// Seconds the token lives; 0 never expires.
        public var tokenTTL: TimeInterval
        public var uploadCerts: Bool
        /// The key for the upload (random when nil).
        public var certificateKey: CertificateKey?
        /// `--serve-listen`: where `clusterpki serve` will listen (nil: `--config`'s, else its default).
        public var serveListen: String?
        /// `--serve-advertise-url`: what `clusterpki serve` will advertise (nil: `--config`'s, else derived).
        public var serveAdvertiseURL: String?

        public init(
            token: BootstrapTokenString? = nil, tokenTTL: TimeInterval = 86400, uploadCerts: Bool = false,
            certificateKey: CertificateKey? = nil
        ) {
            self.token = token
            self.tokenTTL = tokenTTL
            self.uploadCerts = uploadCerts
            self.certificateKey = certificateKey
        }
    }

    /// What the phases leave behind for the closing text.
    public struct Outcome: Sendable {
        public var token: String?
        public var certificateKey: CertificateKey?
        /// Where `clusterpki serve` will listen and what it advertises, as recorded.
        public var serveEndpoint: ServeEndpoint?
    }

    public let context: TreeContext
    public let options: Options
    public let store: @Sendable () async throws -> any StateStore
    public let actor: String
    /// The state key, sealed into the upload when the store is shared by several nodes (etcd); see
    /// ``CertificateUploader``.
    public let stateKey: URL?

    public init(
        context: TreeContext, options: Options, actor: String, stateKey: URL? = nil,
        store: @escaping @Sendable () async throws -> any StateStore
    ) {
        self.context = context
        self.options = options
        self.actor = actor
        self.stateKey = stateKey
        self.store = store
    }

    /// The phases, in kubeadm's order.
    public static let phaseNames = ["certs", "kubeconfig", "bootstrap-token", "upload-certs"]

    /// Runs every phase; stops at the first failure (each phase writes all or nothing).
    public func run(output: @escaping @Sendable (String) -> Void) async throws -> Outcome {
        var outcome = Outcome()
        try await CertsPhase(context: context).generate(["all"], output: output)
        let (context, store, actor) = (self.context, self.store, self.actor)
        try await KubeconfigPhase(context: context).generate(
            ["all"], recorder: { LedgerRecorder(ledger: try await store(), actor: actor, now: context.now) },
            output: output)

        let endpoint = try ServeEndpoint.choose(
            listen: options.serveListen, advertiseURL: options.serveAdvertiseURL, settings: context.settings)
        try endpoint.write(kubernetesDir: context.settings.kubernetesDir)
        output(
            "[serve] clusterpki serve will listen on \(endpoint.listen) and advertise \(endpoint.advertiseURL) (recorded in \(context.settings.kubernetesDir.appendingPathComponent(ServeEndpoint.fileName).path))"
        )
        outcome.serveEndpoint = endpoint

        let request = TokenRequest(token: options.token, ttl: options.tokenTTL)
        try request.validate()
        let created = try await store().createToken(request, actor: actor, now: context.now)
        output("[bootstrap-token] Using token: \(created.token.token)")
        outcome.token = created.token.token

        guard options.uploadCerts else {
            output("[upload-certs] Skipping phase. Please see --upload-certs")
            return outcome
        }
        let uploaded = try await CertificateUploader.run(
            context: context, store: store(), key: options.certificateKey, actor: actor, stateKey: stateKey,
            output: output)
        outcome.certificateKey = uploaded.key
        return outcome
    }
}

import Foundation

/// The `server:` section of a policy: who may do what on `clusterpki serve`, and its limits.
///
/// Every field is optional in YAML; a missing field takes kubeadm's behaviour (the RBAC kubeadm creates, spec 4.5)
/// or a conservative limit.
public struct ServerPolicy: Sendable, Codable, Hashable {
    /// Request bodies larger than this get 413 RequestEntityTooLarge.
    public var maxRequestBodyBytes: Int
    /// Client-certificate organizations allowed on the admin routes (admin.conf, super-admin.conf).
    public var adminOrganizations: [String]
    public var certsDownload: CertsDownloadPolicy
    public var certificateSigningRequests: CSRPolicy
    public var servingCertificate: ServingCertificatePolicy
    /// Who may see the read-only status page `/ui/`.
    public var statusPage: StatusPagePolicy = StatusPagePolicy()
    /// Connection limits and timeouts (`server.connections`).
    public var connections: ConnectionPolicy

    /// kubeadm's bootstrap group, bound to the node-bootstrapper, auto-approval and kubeadm-certs roles.
    public static let defaultNodeTokenGroup = "system:bootstrappers:kubeadm:default-node-token"

    public init(
        maxRequestBodyBytes: Int = 1 << 20,
        adminOrganizations: [String] = ["kubeadm:cluster-admins", "system:masters"],
        certsDownload: CertsDownloadPolicy = CertsDownloadPolicy(),
        certificateSigningRequests: CSRPolicy = CSRPolicy(),
        servingCertificate: ServingCertificatePolicy = ServingCertificatePolicy(),
        connections: ConnectionPolicy = ConnectionPolicy()
    ) {
        self.maxRequestBodyBytes = maxRequestBodyBytes
        self.adminOrganizations = adminOrganizations
        self.certsDownload = certsDownload
        self.certificateSigningRequests = certificateSigningRequests
        self.servingCertificate = servingCertificate
        self.connections = connections
    }

    /// The behaviour when a policy has no `server:` section.
    public static let `default` = ServerPolicy()

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = ServerPolicy.default
        maxRequestBodyBytes = try c.decodeIfPresent(Int.self, forKey: .maxRequestBodyBytes) ?? d.maxRequestBodyBytes
        adminOrganizations = try c.decodeIfPresent([String].self, forKey: .adminOrganizations) ?? d.adminOrganizations
        certsDownload = try c.decodeIfPresent(CertsDownloadPolicy.self, forKey: .certsDownload) ?? d.certsDownload
        certificateSigningRequests =
            try c.decodeIfPresent(CSRPolicy.self, forKey: .certificateSigningRequests) ?? d.certificateSigningRequests
        servingCertificate =
            try c.decodeIfPresent(ServingCertificatePolicy.self, forKey: .servingCertificate) ?? d.servingCertificate
        statusPage = try c.decodeIfPresent(StatusPagePolicy.self, forKey: .statusPage) ?? d.statusPage
        connections = try c.decodeIfPresent(ConnectionPolicy.self, forKey: .connections) ?? d.connections
        guard maxRequestBodyBytes >= 1024 else {
            throw PKIError.policy(field: "server.maxRequestBodyBytes", problem: "must be at least 1024")
        }
    }

    /// Who may read the `kube-system/kubeadm-certs` Secret.
    public struct CertsDownloadPolicy: Sendable, Codable, Hashable {
        /// Bootstrap-token groups allowed to fetch the upload (kubeadm's Role `kubeadm:kubeadm-certs`).
        public var groups: [String]
        /// Fetches allowed per upload; 0 means unlimited (kubeadm has no limit).
        public var maxFetchesPerUpload: Int

        public init(groups: [String] = [ServerPolicy.defaultNodeTokenGroup], maxFetchesPerUpload: Int = 0) {
            self.groups = groups
            self.maxFetchesPerUpload = maxFetchesPerUpload
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = CertsDownloadPolicy()
            groups = try c.decodeIfPresent([String].self, forKey: .groups) ?? d.groups
            maxFetchesPerUpload = try c.decodeIfPresent(Int.self, forKey: .maxFetchesPerUpload) ?? d.maxFetchesPerUpload
            guard maxFetchesPerUpload >= 0 else {
                throw PKIError.policy(
                    field: "server.certsDownload.maxFetchesPerUpload", problem: "must be 0 (unlimited) or positive")
            }
        }
    }

    /// Creation, auto-approval (spec 8.2) and signing (spec 8.3) of CertificateSigningRequests.
    public struct CSRPolicy: Sendable, Codable, Hashable {
        /// Bootstrap-token groups that may create and read CSRs (kubeadm's `kubeadm:kubelet-bootstrap` binding).
        public var creatorGroups: [String]
        /// Bootstrap-token groups whose kubelet client CSRs are approved (`kubeadm:node-autoapprove-bootstrap`).
        public var nodeClientApprovalGroups: [String]
        /// Approve a node's renewal of its own client certificate (`kubeadm:node-autoapprove-certificate-rotation`).
        public var selfNodeClientApproval: Bool
        /// Approve `kubernetes.io/kubelet-serving` CSRs whose names all belong to the requesting node.
        public var kubeletServingApproval: Bool
        /// A kubelet-serving CSR naming an address or name not recorded for the node at its join (or from a node with no
        /// join record): left pending for an admin (`kubectl certificate approve|deny`), as kubeadm leaves every serving
        /// CSR, or denied at once.
        public var unrecordedServingNames: UnrecordedServingNames
        /// kube-controller-manager's `--cluster-signing-duration`: the longest certificate signed for a CSR.
        public var signingDuration: GoDuration
        /// The longest a `watch=true` request stays open.
        public var maxWatchSeconds: Int
        /// How long a CSR stays stored after its `Denied` or `Failed` condition (kube-controller-manager's csrcleaner:
        /// one hour); `serve` deletes it after that.
        public var deniedTTL: GoDuration
        /// How long a CSR stays stored after its `Approved` condition (csrcleaner: one hour). The issued certificate
        /// stays in the ledger; only the request object goes, so that a token holder cannot grow the store for ever.
        public var approvedTTL: GoDuration
        /// How long a CSR with no decision stays stored after its creation (csrcleaner: 24 hours).
        public var pendingTTL: GoDuration
        /// Denied CSRs one requester may have stored; the next CSR that would be denied gets 429 and is not stored.
        public var maxDeniedPerRequester: Int

        public init(
            creatorGroups: [String] = [ServerPolicy.defaultNodeTokenGroup],
            nodeClientApprovalGroups: [String] = [ServerPolicy.defaultNodeTokenGroup],
            selfNodeClientApproval: Bool = true, kubeletServingApproval: Bool = true,
            unrecordedServingNames: UnrecordedServingNames = .pending,
            signingDuration: GoDuration = GoDuration(seconds: 8760 * 3600), maxWatchSeconds: Int = 1800,
            deniedTTL: GoDuration = GoDuration(seconds: 3600), approvedTTL: GoDuration = GoDuration(seconds: 3600),
            pendingTTL: GoDuration = GoDuration(seconds: 24 * 3600), maxDeniedPerRequester: Int = 100
        ) {
            self.creatorGroups = creatorGroups
            self.nodeClientApprovalGroups = nodeClientApprovalGroups
            self.selfNodeClientApproval = selfNodeClientApproval
            self.kubeletServingApproval = kubeletServingApproval
            self.unrecordedServingNames = unrecordedServingNames
            self.signingDuration = signingDuration
            self.maxWatchSeconds = maxWatchSeconds
            self.deniedTTL = deniedTTL
            self.approvedTTL = approvedTTL
            self.pendingTTL = pendingTTL
            self.maxDeniedPerRequester = maxDeniedPerRequester
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = CSRPolicy()
            creatorGroups = try c.decodeIfPresent([String].self, forKey: .creatorGroups) ?? d.creatorGroups
            nodeClientApprovalGroups =
                try c.decodeIfPresent([String].self, forKey: .nodeClientApprovalGroups) ?? d.nodeClientApprovalGroups
            selfNodeClientApproval =
                try c.decodeIfPresent(Bool.self, forKey: .selfNodeClientApproval) ?? d.selfNodeClientApproval
            kubeletServingApproval =
                try c.decodeIfPresent(Bool.self, forKey: .kubeletServingApproval) ?? d.kubeletServingApproval
            unrecordedServingNames =
                try c.decodeIfPresent(UnrecordedServingNames.self, forKey: .unrecordedServingNames)
                ?? d.unrecordedServingNames
            signingDuration = try c.decodeIfPresent(GoDuration.self, forKey: .signingDuration) ?? d.signingDuration
            maxWatchSeconds = try c.decodeIfPresent(Int.self, forKey: .maxWatchSeconds) ?? d.maxWatchSeconds
            deniedTTL = try c.decodeIfPresent(GoDuration.self, forKey: .deniedTTL) ?? d.deniedTTL
            approvedTTL = try c.decodeIfPresent(GoDuration.self, forKey: .approvedTTL) ?? d.approvedTTL
            pendingTTL = try c.decodeIfPresent(GoDuration.self, forKey: .pendingTTL) ?? d.pendingTTL
            maxDeniedPerRequester =
                try c.decodeIfPresent(Int.self, forKey: .maxDeniedPerRequester) ?? d.maxDeniedPerRequester
            guard signingDuration.seconds >= 600 else {
                throw PKIError.policy(
                    field: "server.certificateSigningRequests.signingDuration", problem: "must be at least 10m")
            }
            guard maxWatchSeconds > 0 else {
                throw PKIError.policy(
                    field: "server.certificateSigningRequests.maxWatchSeconds", problem: "must be positive")
            }
            for (field, ttl) in [("deniedTTL", deniedTTL), ("approvedTTL", approvedTTL), ("pendingTTL", pendingTTL)]
            where ttl.seconds < 1 {
                throw PKIError.policy(
                    field: "server.certificateSigningRequests.\(field)", problem: "must be at least 1s")
            }
            guard maxDeniedPerRequester > 0 else {
                throw PKIError.policy(
                    field: "server.certificateSigningRequests.maxDeniedPerRequester", problem: "must be positive")
            }
        }
    }

    /// What happens to a kubelet-serving CSR whose names were not recorded for its node.
    public enum UnrecordedServingNames: String, Sendable, Codable, Hashable {
        /// No condition: an admin approves or denies it (kubeadm's behaviour for every serving CSR).
        case pending
        /// A Denied condition at once (reason SANNotOwnedByNode or UnknownNode).
        case deny
    }

    /// The server's own certificate, `clusterpki-server.{crt,key}` in the pki dir.
    public struct ServingCertificatePolicy: Sendable, Codable, Hashable {
        public var validity: GoDuration
        /// Reissue when less than this remains.
        public var renewBefore: GoDuration
        /// How often the server checks its certificate.
        public var checkInterval: GoDuration

        public init(
            validity: GoDuration = GoDuration(seconds: 8760 * 3600),
            renewBefore: GoDuration = GoDuration(seconds: 720 * 3600),
            checkInterval: GoDuration = GoDuration(seconds: 3600)
        ) {
            self.validity = validity
            self.renewBefore = renewBefore
            self.checkInterval = checkInterval
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = ServingCertificatePolicy()
            validity = try c.decodeIfPresent(GoDuration.self, forKey: .validity) ?? d.validity
            renewBefore = try c.decodeIfPresent(GoDuration.self, forKey: .renewBefore) ?? d.renewBefore
            checkInterval = try c.decodeIfPresent(GoDuration.self, forKey: .checkInterval) ?? d.checkInterval
            guard validity.seconds > renewBefore.seconds, renewBefore.seconds >= 0, checkInterval.seconds >= 1 else {
                throw PKIError.policy(
                    field: "server.servingCertificate",
                    problem: "validity must exceed renewBefore, and checkInterval be at least 1s")
            }
        }
    }
}

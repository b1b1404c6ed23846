import ClusterPKIAPI
import ClusterPKICore

/// Everything the service keeps: tokens, uploads, the audit log, the credential ledger, CSRs and node records, and the
/// phases of rotations.
///
/// Backends implement this one protocol with the same semantics: `SQLiteStateStore` for one node, the etcd store for
/// several. Consumers take the narrowest protocol they need (`TokenStore`, `CredentialLedger`, ...). ``StateTransfer``
/// copies a whole store from one backend to another.
public protocol StateStore:
    TokenStore, UploadStore, AuditLog, CredentialLedger, RotationPhaseStore, CertificateRequestStore,
    SigningTokenSource,
    StoreWriteProbe, StateTransfer
{}

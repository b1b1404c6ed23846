/// Everything the service keeps: tokens, uploads, the audit log and the credential ledger.
///
/// ``SQLiteStateStore`` is the single-node implementation; a distributed backend implements the same four protocols.
public protocol StateStore: TokenStore, UploadStore, AuditLog, CredentialLedger {}

import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Every failure of the state store; each message says what to do next.
public enum StoreError: Error, Equatable, Sendable {
    // Input validation (kubeadm's texts where kubeadm has one).
    case malformedToken(String)
    case invalidTokenUsages(invalid: [String])
    case invalidTokenGroup(String)
    case groupsWithoutAuthentication
    case invalidDuration(String, reason: String)
    case negativeTTL(String)
    case invalidMaxUses(Int)
    case certificateKeyWithoutJoinCommand
    case invalidSerial(String)

    // Tokens.
    case tokenAlreadyExists(id: String)
    case tokenNotFound(id: String)
    case tokenExpired(id: String)
    case tokenSecretMismatch(id: String)
    case tokenNotForAuthentication(id: String)
    case tooManyAttempts(retryAfter: TimeInterval)

    // Uploads and ledger.
    case uploadNotFound(name: String)
    case certificateRequestAlreadyExists(name: String)
    case certificateRequestNotFound(name: String)
    case certificateRequestConflict(name: String)
    case credentialAlreadyRecorded(serial: String)
    case credentialNotFound(serial: String)
    case noCredentialsForClient(name: String)

    // The database and the store key.
    case notAStateDatabase(path: String, detail: String)
    case newerSchema(path: String, unknownMigrations: [String])
    case readOnlyDatabase(path: String, detail: String)
    case cannotOpenDatabase(path: String, detail: String)
    case database(path: String, detail: String)
    /// The file system holding the database is full (SQLITE_FULL, or an I/O error on a file system with no space).
    case noSpace(path: String, detail: String)
    case invalidStoreKey(path: String, detail: String)
    case storeKeyMismatch
    case insecureStoreKeyFile(path: String, mode: String)
    /// The key file does not open the shared store `store` (etcd endpoints and prefix).
    case stateKeyMismatch(keyFile: String, store: String)
    /// The shared store `store` is in use but this node has no key file yet.
    case stateKeyMissing(keyFile: String, store: String)
    case storeKeyNotLoaded(path: String)
    case databaseNeedsUpgrade(path: String)

    // The etcd backend.
    case unavailable(endpoints: [String], detail: String)
    case etcd(detail: String)
    case etcdRequestTooLarge(what: String, bytes: Int, limit: Int)
    case invalidEtcdConfiguration(String)

    /// The message printed after `error: `.
    public var message: String {
        switch self {
        case .malformedToken(let raw):
            return BootstrapTokenFormatError.malformedToken(raw).message
        case .invalidTokenUsages(let invalid):
            return
                "invalid bootstrap token usage string: \(invalid.joined(separator: ",")), valid usage options: \(TokenUsage.known.map(\.rawValue).joined(separator: ","))"
        case .invalidTokenGroup(let group):
            return "bootstrap group \(goQuote(group)) is invalid (must match \(BootstrapToken.groupPattern))"
        case .groupsWithoutAuthentication:
            return "token groups cannot be specified unless --usages includes \"authentication\""
        case .invalidDuration(let raw, let reason):
            return
                "invalid duration \(goQuote(raw)): \(reason); use a Go duration such as 24h, 1h30m or 0 (never expires)"
        case .negativeTTL(let raw):
            return
                "the TTL \(goQuote(raw)) is negative; use a positive duration such as 24h, or 0 for a token that never expires"
        case .invalidMaxUses(let value):
            return "--max-uses must be at least 1 (got \(value)); omit it for a token without a use limit"
        case .certificateKeyWithoutJoinCommand:
            return "cannot use --certificate-key without --print-join-command"
        case .invalidSerial(let raw):
            return
                "\(goQuote(raw)) is not a certificate serial number; pass it as hex digits (colons allowed), as shown by `clusterpki kubeconfig list`"
        case .tokenAlreadyExists(let id):
            return "a token with id \(goQuote(id)) already exists"
        case .tokenNotFound(let id):
            return
                "bootstrap token \(goQuote(id)) not found; see `clusterpki token list`, or create one with `clusterpki token create`"
        case .tokenExpired(let id):
            return
                "bootstrap token \(goQuote(id)) has expired or has no uses left; create a new one with `clusterpki token create`"
        case .tokenSecretMismatch(let id):
            return
                "the secret of bootstrap token \(goQuote(id)) does not match; check the token, or create a new one with `clusterpki token create`"
        case .tokenNotForAuthentication(let id):
            return
                "bootstrap token \(goQuote(id)) does not have the \"authentication\" usage; create one with `clusterpki token create --usages signing,authentication`"
        case .tooManyAttempts(let retryAfter):
            return "too many failed authentication attempts; retry after \(Int(retryAfter.rounded(.up)))s"
        case .uploadNotFound(let name):
            return
                "the upload \(goQuote(name)) was not found; it might have expired. Run `clusterpki upload-certs` on a control plane to create a new one"
        case .certificateRequestAlreadyExists(let name):
            return "certificatesigningrequests.certificates.k8s.io \(goQuote(name)) already exists"
        case .certificateRequestNotFound(let name):
            return "certificatesigningrequests.certificates.k8s.io \(goQuote(name)) not found"
        case .certificateRequestConflict(let name):
            return
                "Operation cannot be fulfilled on certificatesigningrequests.certificates.k8s.io \(goQuote(name)): the object has been modified; please apply your changes to the latest version and try again"
        case .credentialAlreadyRecorded(let serial):
            return
                "a credential with serial \(serial) is already recorded; a serial number must never be reused, issue the certificate again"
        case .credentialNotFound(let serial):
            return "no credential with serial \(serial) in the ledger; see `clusterpki kubeconfig list`"
        case .noCredentialsForClient(let name):
            return "no credential for client \(goQuote(name)) in the ledger; see `clusterpki kubeconfig list`"
        case .notAStateDatabase(let path, let detail):
            return
                "\(path) is not a clusterpki state database: \(detail); pass another file with --db, or move this one away"
        case .newerSchema(let path, let unknown):
            return
                "\(path) was written by a newer clusterpki (unknown migrations: \(unknown.joined(separator: ", "))); nothing was changed, use that newer clusterpki"
        case .readOnlyDatabase(let path, let detail):
            return
                "the state database \(path) is read-only (\(detail)); run as root (sudo) or fix the permissions of the file and its directory"
        case .cannotOpenDatabase(let path, let detail):
            return
                "cannot open the state database \(path) (\(detail)); check that its directory exists and is writable, or pass another file with --db"
        case .noSpace(let path, let detail):
            return
                "no space left on device at \(path) (\(detail)); free space on that file system (or move the database elsewhere with --db), then retry: nothing was written"
        case .database(let path, let detail):
            return
                "state database \(path) failed: \(detail); retry, and if it persists restore the database from a backup"
        case .invalidStoreKey(let path, let detail):
            return
                "the store key \(path) is unusable: \(detail); restore it from a backup (without it the stored token secrets cannot be used)"
        case .storeKeyMismatch:
            return
                "the store key does not belong to this state database; restore the matching key file (pki/clusterpki-state.key) or pass the matching --db"
        case .insecureStoreKeyFile(let path, let mode):
            return
                "the store key \(path) has mode \(mode), readable by others; run `chmod 600 \(path)` (and consider the tokens compromised)"
        case .stateKeyMismatch(let keyFile, let store):
            return
                "the state key \(keyFile) does not belong to the state store \(store) (its token secrets were sealed under another key); every control-plane node needs the cluster's key: get it with `clusterpki download-certs` or `clusterpki join --control-plane` after `clusterpki upload-certs` on a node that uses this store, or copy that node's \(keyFile)"
        case .stateKeyMissing(let keyFile, let store):
            return
                "the state store \(store) is already in use, but this node has no state key at \(keyFile); get the cluster's key with `clusterpki download-certs` or `clusterpki join --control-plane` after `clusterpki upload-certs` on a node that uses this store, or copy that node's \(keyFile)"
        case .storeKeyNotLoaded(let path):
            return
                "the state database \(path) was opened without its store key, which token secrets need; run the command with the key (see --kubernetes-dir)"
        case .databaseNeedsUpgrade(let path):
            return
                "the state database \(path) was written by an older clusterpki and a read-only command cannot upgrade it; run a command that writes (e.g. `clusterpki token sweep --db \(path)`) once, then retry"
        case .unavailable(let endpoints, let detail):
            return
                "etcd is unavailable (tried \(endpoints.joined(separator: ", "))): \(detail); check that the etcd members run and have quorum (`etcdctl endpoint health`) and that the client certificate is signed by the etcd CA, then retry"
        case .etcd(let detail):
            return "etcd refused the request: \(detail); check the etcd members' logs, then retry"
        case .etcdRequestTooLarge(let what, let bytes, let limit):
            return
                "\(what) needs \(bytes) bytes in one etcd request, over etcd's limit of \(limit) (--max-request-bytes); store less in it, or raise the limit on every etcd member"
        case .invalidEtcdConfiguration(let detail):
            return
                "invalid etcd configuration: \(detail); pass endpoints as HOST:PORT and the etcd CA, client certificate and key files (kubeadm's etcd.external fields)"
        }
    }
}

extension StoreError: CustomStringConvertible {
    public var description: String { message }
}

extension StoreError: LocalizedError {
    public var errorDescription: String? { message }
}

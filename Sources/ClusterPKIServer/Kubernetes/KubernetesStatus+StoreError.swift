import ClusterPKIAPI
import ClusterPKIStore

extension KubernetesStatus {
    /// The one mapping from a store failure to the `Status` a client sees. ``EdgeMiddleware`` applies it to every
    /// ``StoreError`` a handler lets escape; a handler that addresses a named object passes it (``addressing(_:_:)``)
    /// so that NotFound, AlreadyExists and Invalid name that object.
    ///
    /// Without an object, a token the store does not know (or will not accept) can only have come from
    /// authentication, so it is 401; back-off is 429 with `Retry-After`; database failures are 500, their cause
    /// only in the log.
    init(_ error: StoreError, object: ObjectReference? = nil) {
        switch error {
        case .tooManyAttempts(let retryAfter):
            self = .tooManyRequests(retryAfter: max(1, Int(retryAfter.rounded(.up))))
        case .tokenSecretMismatch, .tokenNotForAuthentication, .tokenExpired:
            self = .unauthorized
        case .tokenNotFound:
            self = object.map(Self.notFound) ?? .unauthorized
        case .malformedToken:
            self = object.map { .invalid($0, error.message) } ?? .unauthorized
        case .invalidTokenUsages, .invalidTokenGroup, .groupsWithoutAuthentication, .invalidDuration, .negativeTTL,
            .invalidMaxUses, .certificateKeyWithoutJoinCommand, .invalidSerial:
            self = object.map { .invalid($0, error.message) } ?? .badRequest(error.message)
        case .tokenAlreadyExists(let id):
            self = .alreadyExists(object ?? .secret(SecretsController.tokenSecretPrefix + id))
        case .certificateRequestAlreadyExists(let name):
            self = .alreadyExists(object ?? .certificateSigningRequest(name))
        case .uploadNotFound(let name):
            self = .notFound(object ?? .secret(name))
        case .certificateRequestNotFound(let name):
            self = .notFound(object ?? .certificateSigningRequest(name))
        case .certificateRequestConflict(let name):
            let object = object ?? .certificateSigningRequest(name)
            self = KubernetesStatus(
                code: 409, reason: "Conflict", message: error.message,
                details: Details(
                    name: object.name, group: object.group.isEmpty ? nil : object.group, kind: object.resource))
        case .credentialNotFound, .noCredentialsForClient:
            self = object.map(Self.notFound) ?? .badRequest(error.message)
        case .credentialAlreadyRecorded:
            // A reported certificate already in the ledger is a conflict; one the server signed itself, its fault.
            self = object.map(Self.alreadyExists) ?? .internalError
        case .notAStateDatabase, .newerSchema, .readOnlyDatabase, .cannotOpenDatabase, .database, .noSpace,
            .invalidStoreKey, .storeKeyMismatch, .insecureStoreKeyFile, .stateKeyMismatch, .stateKeyMissing,
            .storeKeyNotLoaded, .databaseNeedsUpgrade:
            self = .internalError
        // etcd unreachable or without quorum: the client may retry (through this replica or another one).
        case .unavailable:
            self = .serviceUnavailable(retryAfter: Self.storeRetryAfter)
        case .etcd, .etcdRequestTooLarge, .invalidEtcdConfiguration:
            self = .internalError
        }
    }

    /// Seconds a client is told to wait when the store is unavailable (about one etcd leader election).
    static let storeRetryAfter = 5

    /// Runs a store operation on `object`: a ``StoreError`` it throws becomes the `Status` that names `object`. A
    /// server-side failure escapes as it is, so that ``EdgeMiddleware`` logs its cause.
    static func addressing<T>(_ object: ObjectReference, _ operation: () async throws -> T) async throws -> T {
        do {
            return try await operation()
        } catch let error as StoreError {
            throw failure(error, addressing: object)
        }
    }

    /// What to throw for `error` on `object`: the `Status` that names it, or, when the server is at fault, the error
    /// itself, so that ``EdgeMiddleware`` logs the cause before it answers 500.
    static func failure(_ error: StoreError, addressing object: ObjectReference) -> any Error {
        let status = KubernetesStatus(error, object: object)
        return status.code >= 500 ? error : status
    }
}

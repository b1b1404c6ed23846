import ClusterPKIAPI
import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Stores a new token; see ``TokenStore/createToken(_:actor:now:)``.
    public func createToken(_ request: TokenRequest, actor: String, now: Date) async throws -> BootstrapToken {
        try request.validate()
        var lease: Int64 = 0
        for attempt in 1...5 {
            let token = request.makeToken(request.token ?? .generate(), now: now)
            if lease == 0, let expires = token.expires { lease = try await grantLease(until: expires, now: now) }
            let tokenKey = keys.token(token.id)
            let response = try await commit(
                .init(
                    compare: [.createRevision(tokenKey, is: 0)],
                    success: [.put(tokenKey, try record(of: token), lease: lease)]
                        + auditOps([.tokenCreated(token, actor: actor, now: now)]),
                    failure: [.get(tokenKey)]))
            if response.succeeded { return token }
            // An expired token that was not swept yet must not block its id (TokenCleaner would have removed it).
            if let existing = response.responses.first?.responseRange.kvs.first,
                try decodeRecord(existing).isExpired(at: now), try await expire([existing], now: now) > 0, attempt < 5
            {
                continue
            }
            // A generated id collided (about 1 in 2 billion per existing token): draw again.
            if request.token == nil && attempt < 5 { continue }
            await releaseLease(lease)
            throw StoreError.tokenAlreadyExists(id: token.id)
        }
        preconditionFailure("the last attempt returns or throws")
    }

    /// All live tokens sorted by id; expired ones are deleted first.
    public func listTokens(now: Date) async throws -> [BootstrapToken] {
        let kvs = try await client.list(prefix: keys.tokens).kvs
        var live: [BootstrapToken] = []
        var expired: [Mvccpb_KeyValue] = []
        for kv in kvs {
            let record = try decodeRecord(kv)
            if record.isExpired(at: now) { expired.append(kv) } else { live.append(try token(from: kv, record)) }
        }
        if !expired.isEmpty { _ = try await expire(expired, now: now) }
        return live.sorted { $0.id < $1.id }
    }

    /// One live token, or `nil` (an expired one is deleted).
    public func token(id: String, now: Date) async throws -> BootstrapToken? {
        guard let kv = try await client.get(keys.token(id)) else { return nil }
        let record = try decodeRecord(kv)
        if record.isExpired(at: now) {
            _ = try await expire([kv], now: now)
            return nil
        }
        return try token(from: kv, record)
    }

    /// The clear tokens that have the `signing` usage, for the cluster-info JWS signatures.
    public func signingTokens(now: Date) async throws -> [BootstrapTokenString] {
        try await listTokens(now: now).filter { $0.usages.contains(.signing) }.map(\.token)
    }

    /// Deletes a token and the upload bound to it.
    public func deleteToken(id: String, actor: String, now: Date) async throws {
        let tokenKey = keys.token(id)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(tokenKey) else { throw StoreError.tokenNotFound(id: id) }
            let record = try decodeRecord(kv)
            let response = try await commit(
                .init(
                    compare: [.modRevision(tokenKey, is: kv.modRevision)],
                    success: deleteOps(id: id, record)
                        + auditOps([AuditEvent(time: now, actor: actor, action: .tokenDeleted, tokenID: id)])))
            if response.succeeded {
                await releaseLease(kv.lease)
                if record.usesLeft == nil, !record.isExpired(at: now) { await awaitTokenReadCaches() }
                return
            }
        }
        throw contention("deleting token \(id)")
    }

    /// Deletes every expired token and what is bound to it, and stale failure counters; returns how many tokens
    /// this call deleted (another replica sweeping at the same time deletes the rest).
    public func sweepExpired(now: Date) async throws -> Int {
        let kvs = try await client.list(prefix: keys.tokens).kvs
        let expired = try kvs.filter { try decodeRecord($0).isExpired(at: now) }
        let deleted = try await expire(expired, now: now)
        try await deleteStaleFailureCounters(now: now)
        return deleted
    }

    // MARK: Records

    /// The stored form of `token`; `upload` names the upload it is the proxy of.
    func record(of token: BootstrapToken, upload: String? = nil) throws -> Data {
        try EtcdJSON.encode(
            TokenRecord(
                secretMAC: key.secretMAC(for: token.token), sealedSecret: try key.seal(token.token),
                description: token.description, usages: token.usages, groups: token.groups, created: token.created,
                expires: token.expires, maxUses: token.maxUses, usesLeft: token.usesLeft, upload: upload))
    }

    func decodeRecord(_ kv: Mvccpb_KeyValue) throws -> TokenRecord {
        try EtcdJSON.decode(TokenRecord.self, from: kv.value, key: kv.keyString)
    }

    func token(from kv: Mvccpb_KeyValue, _ record: TokenRecord) throws -> BootstrapToken {
        let id = String(kv.keyString.dropFirst(keys.tokens.count))
        return BootstrapToken(
            token: try key.unseal(id: id, sealed: record.sealedSecret), description: record.description,
            usages: record.usages, groups: record.groups, expires: record.expires, maxUses: record.maxUses,
            usesLeft: record.usesLeft, created: record.created)
    }

    /// Deletes the token and its upload. While a proxy token exists its upload belongs to it (they are written,
    /// replaced and deleted together, and share a lease), so a compare on the token covers the upload too.
    func deleteOps(id: String, _ record: TokenRecord) -> [Etcdserverpb_RequestOp] {
        [.delete(keys.token(id))] + (record.upload.map { [.delete(keys.upload($0))] } ?? [])
    }

    func contention(_ what: String) -> StoreError {
        .etcd(detail: "\(what) lost \(Self.maxAttempts) compare-and-swap rounds to other replicas")
    }
}

import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Records a minted credential; a serial is taken once, by a create-if-absent transaction.
    public func recordCredential(_ credential: IssuedCredential) async throws {
        let credentialKey = keys.credential(credential.serial)
        let response = try await commit(
            .init(compare: [.createRevision(credentialKey, is: 0)], success: try credentialOps(credential)))
        guard response.succeeded else { throw StoreError.credentialAlreadyRecorded(serial: credential.serial) }
    }

    /// The ledger row and its audit event, for a transaction of the caller's.
    func credentialOps(_ credential: IssuedCredential) throws -> [Etcdserverpb_RequestOp] {
        [.put(keys.credential(credential.serial), try EtcdJSON.encode(credential))]
            + (try auditOps([credentialRecorded(credential)]))
    }

    func credentialRecorded(_ credential: IssuedCredential) -> AuditEvent {
        AuditEvent(
            time: credential.created, actor: credential.actor, action: .credentialRecorded,
            detail:
                "serial=\(credential.serial) cn=\(credential.commonName) o=\(credential.organizations.joined(separator: ","))"
        )
    }

    /// All credentials, oldest first.
    public func credentials() async throws -> [IssuedCredential] {
        try await allCredentials().map(\.credential).sorted(by: Self.ledgerOrder)
    }

    /// Revokes one credential by serial; a second revocation keeps the first date and actor.
    public func revokeCredential(serial: String, actor: String, now: Date) async throws -> IssuedCredential {
        let normalized = try IssuedCredential.normalizeSerial(serial)
        let credentialKey = keys.credential(normalized)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(credentialKey) else {
                throw StoreError.credentialNotFound(serial: normalized)
            }
            var credential = try EtcdJSON.decode(IssuedCredential.self, from: kv.value, key: kv.keyString)
            if credential.isRevoked { return credential }
            credential.revoked = now
            credential.revokedBy = actor
            let event = AuditEvent(time: now, actor: actor, action: .credentialRevoked, detail: "serial=\(normalized)")
            let response = try await commit(
                .init(
                    compare: [.modRevision(credentialKey, is: kv.modRevision)],
                    success: [.put(credentialKey, try EtcdJSON.encode(credential))] + auditOps([event])))
            if response.succeeded { return credential }
        }
        throw contention("revoking serial \(normalized)")
    }

    /// Revokes every credential issued to `clientName` (the certificate CN), in transactions of at most 127 rows.
    public func revokeCredentials(clientName: String, actor: String, now: Date) async throws -> [IssuedCredential] {
        for _ in 0..<Self.maxAttempts {
            let matching = try await allCredentials().filter { $0.credential.commonName == clientName }
            guard !matching.isEmpty else { throw StoreError.noCredentialsForClient(name: clientName) }
            let pending = matching.filter { !$0.credential.isRevoked }
            var committed = true
            let chunk = EtcdClient.maxTxnOps - 1
            for start in stride(from: 0, to: max(pending.count, 1), by: chunk) {
                let rows = Array(pending[start..<min(start + chunk, pending.count)])
                let isLast = start + chunk >= pending.count
                var puts: [Etcdserverpb_RequestOp] = []
                for row in rows {
                    var credential = row.credential
                    credential.revoked = now
                    credential.revokedBy = actor
                    puts.append(.put(row.kv.keyString, try EtcdJSON.encode(credential)))
                }
                // One event for the whole revocation, as SQLite records it, with the last (or only) transaction.
                let event = AuditEvent(
                    time: now, actor: actor, action: .credentialRevoked,
                    detail: "cn=\(clientName) count=\(pending.count)")
                let response = try await commit(
                    .init(
                        compare: rows.map { .modRevision($0.kv.keyString, is: $0.kv.modRevision) },
                        success: puts + (isLast ? try auditOps([event]) : [])))
                if !response.succeeded {
                    committed = false
                    break
                }
            }
            guard committed else { continue }
            return try await allCredentials().map(\.credential).filter { $0.commonName == clientName }.sorted(
                by: Self.ledgerOrder)
        }
        throw contention("revoking the credentials of \(clientName)")
    }

    /// Whether `serial` is revoked; unknown serials are not.
    public func isRevoked(serial: String) async throws -> Bool {
        let normalized = try IssuedCredential.normalizeSerial(serial)
        guard let kv = try await client.get(keys.credential(normalized)) else { return false }
        return try EtcdJSON.decode(IssuedCredential.self, from: kv.value, key: kv.keyString).isRevoked
    }

    private func allCredentials() async throws -> [(kv: Mvccpb_KeyValue, credential: IssuedCredential)] {
        try await client.list(prefix: keys.credentials).kvs.map { kv in
            (kv, try EtcdJSON.decode(IssuedCredential.self, from: kv.value, key: kv.keyString))
        }
    }

    /// SQLite's `ORDER BY createdAt, serial`.
    static func ledgerOrder(_ a: IssuedCredential, _ b: IssuedCredential) -> Bool {
        a.created != b.created ? a.created < b.created : a.serial < b.serial
    }
}

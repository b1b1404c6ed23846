import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import EtcdAPI
import Foundation

extension EtcdStateStore {
    /// Stores `blobs` under `name` bound to a new proxy token (kubeadm's: no usages, no groups), replacing any
    /// previous upload and its proxy token in the same transaction; both keys share one lease of `ttl` seconds.
    public func storeUpload(
        name: String, blobs: [String: Data], ttl: TimeInterval = Upload.defaultTTL, actor: String, now: Date
    ) async throws -> Upload {
        guard ttl > 0 else {
            throw StoreError.invalidDuration(
                GoDuration(seconds: ttl).description, reason: "an upload needs a positive TTL")
        }
        let request = TokenRequest(ttl: ttl, usages: [], groups: [], description: Upload.proxyTokenDescription)
        let uploadKey = keys.upload(name)
        let lease = try await grantLease(until: request.expiration(now: now) ?? now, now: now)
        for _ in 0..<Self.maxAttempts {
            let proxy = request.makeToken(.generate(), now: now)
            let previous = try await client.get(uploadKey)
            let compare: [Etcdserverpb_Compare] = [
                .modRevision(uploadKey, is: previous?.modRevision ?? 0), .createRevision(keys.token(proxy.id), is: 0),
            ]
            var writes: [Etcdserverpb_RequestOp] = []
            var events: [AuditEvent] = []
            if let previous {
                let old = try decodeUpload(previous)
                // The compare on the upload covers its proxy token: the two only change together.
                writes.append(.delete(keys.token(old.tokenID)))
                events.append(
                    AuditEvent(
                        time: now, actor: actor, action: .tokenDeleted, tokenID: old.tokenID,
                        detail: "replaced upload \(name)"))
            }
            let upload = UploadRecord(
                name: name, tokenID: proxy.id, created: now, expires: proxy.expires, blobs: blobs, fetches: 0)
            writes += [
                .put(keys.token(proxy.id), try record(of: proxy, upload: name), lease: lease),
                .put(uploadKey, try EtcdJSON.encode(upload), lease: lease),
            ]
            events += [
                .tokenCreated(proxy, actor: actor, now: now),
                AuditEvent(
                    time: now, actor: actor, action: .uploadStored, tokenID: proxy.id,
                    detail: "\(name): \(blobs.keys.sorted().joined(separator: ","))"),
            ]
            let txn = Etcdserverpb_TxnRequest(compare: compare, success: writes + (try auditOps(events)))
            try checkSize(txn, what: "the upload \(name)")
            if try await commit(txn).succeeded {
                if let previous { await releaseLease(previous.lease) }
                return Upload(name: name, blobs: blobs, proxyTokenID: proxy.id, created: now, expires: proxy.expires)
            }
        }
        await releaseLease(lease)
        throw contention("storing the upload \(name)")
    }

    /// The live upload `name`; an expired one is deleted (with its proxy token) and reported as not found.
    public func upload(named name: String, now: Date) async throws -> Upload {
        guard let kv = try await client.get(keys.upload(name)) else { throw StoreError.uploadNotFound(name: name) }
        let upload = try decodeUpload(kv)
        if let expires = upload.expires, expires <= now {
            if let token = try await client.get(keys.token(upload.tokenID)) { _ = try await expire([token], now: now) }
            throw StoreError.uploadNotFound(name: name)
        }
        return Upload(
            name: name, blobs: upload.blobs, proxyTokenID: upload.tokenID, created: upload.created,
            expires: upload.expires)
    }

    /// Deletes the upload `name` together with its proxy token.
    public func deleteUpload(named name: String, actor: String, now: Date) async throws {
        let uploadKey = keys.upload(name)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(uploadKey) else { throw StoreError.uploadNotFound(name: name) }
            let upload = try decodeUpload(kv)
            let event = AuditEvent(
                time: now, actor: actor, action: .uploadDeleted, tokenID: upload.tokenID, detail: name)
            let response = try await commit(
                .init(
                    compare: [.modRevision(uploadKey, is: kv.modRevision)],
                    success: [.delete(uploadKey), .delete(keys.token(upload.tokenID))] + auditOps([event])))
            if response.succeeded {
                await releaseLease(kv.lease)
                return
            }
        }
        throw contention("deleting the upload \(name)")
    }

    /// Counts one fetch of the upload `name` (compare-and-swapped, so concurrent fetches through any replica all count).
    public func countUploadFetch(name: String, actor: String, tokenID: String?, now: Date) async throws -> Int {
        let uploadKey = keys.upload(name)
        for _ in 0..<Self.maxAttempts {
            guard let kv = try await client.get(uploadKey) else { throw StoreError.uploadNotFound(name: name) }
            var upload = try decodeUpload(kv)
            upload.fetches += 1
            let event = AuditEvent(
                time: now, actor: actor, action: .uploadFetched, tokenID: tokenID,
                detail: "\(name) fetch=\(upload.fetches)")
            let response = try await commit(
                .init(
                    compare: [.modRevision(uploadKey, is: kv.modRevision)],
                    success: [.put(uploadKey, try EtcdJSON.encode(upload), keepLease: true)] + auditOps([event])))
            if response.succeeded { return upload.fetches }
        }
        throw contention("counting a fetch of the upload \(name)")
    }

    func decodeUpload(_ kv: Mvccpb_KeyValue) throws -> UploadRecord {
        try EtcdJSON.decode(UploadRecord.self, from: kv.value, key: kv.keyString)
    }
}

import ClusterPKIEtcdStore
import ClusterPKIStore
import Foundation

/// The etcd case of ``StateStoreLocation``: the same key file, a store shared by every control-plane node.
extension StateStoreLocation {
    /// The chosen store, opened (and on first use created, with its key).
    func openState() async throws -> any StateStore {
        guard let etcd else { return try open() }
        return try await openEtcd(etcd)
    }

    /// ``openState()``, or for SQLite ``openIfPresent()`` when `creating` is false (etcd is always there to open).
    func openState(creating: Bool) async throws -> (any StateStore)? {
        guard let etcd else { return try open(creating: creating) }
        return try await openEtcd(etcd)
    }

    /// For read-only commands: SQLite opened read-only (nil without a database; `withKey: false` loads no key); etcd
    /// with this node's existing key, never creating one (etcd itself has no read-only session to open).
    func openReadOnlyState(withKey: Bool) async throws -> (any StateStore)? {
        guard let etcd else { return try openReadOnly(withKey: withKey) }
        guard try StoreKey.load(at: keyURL) != nil else {
            throw StoreError.stateKeyMissing(keyFile: keyURL.path, store: storeDescription)
        }
        return try await openEtcd(etcd)
    }

    /// The store as log lines and messages name it: `sqlite:PATH` or `etcd://HOST:PORT,... (prefix P)`.
    var storeDescription: String {
        guard let etcd else { return "sqlite:\(db)" }
        return "etcd://\(etcd.endpoints.joined(separator: ",")) (prefix \(etcd.prefix))"
    }

    /// Where a state key that travels in `kubeadm-certs` belongs: only a shared (etcd) store needs the same key on
    /// every node, so only then is it uploaded and written.
    var sharedStateKey: URL? { etcd == nil ? nil : keyURL }

    /// Opens the etcd store with this node's key. Without a key file, a store already in use is refused (its key
    /// must come from another node, see ``StoreError/stateKeyMissing(keyFile:store:)``); a new one gets this node's.
    private func openEtcd(_ configuration: EtcdConfiguration) async throws -> any StateStore {
        let client = try EtcdClient(configuration: configuration)
        do {
            let key: StoreKey
            if let existing = try StoreKey.load(at: keyURL) {
                key = existing
            } else if try await EtcdStateStore.isInUse(client: client) {
                throw StoreError.stateKeyMissing(keyFile: keyURL.path, store: storeDescription)
            } else {
                key = try StoreKey.loadOrCreate(at: keyURL)
            }
            return try await EtcdStateStore(client: client, storeKey: key)
        } catch StoreError.storeKeyMismatch {
            await client.close()
            throw StoreError.stateKeyMismatch(keyFile: keyURL.path, store: storeDescription)
        } catch {
            await client.close()
            throw error
        }
    }

    /// For `download-certs`: the store to read the upload from. On etcd without a key file yet, a reader that cannot
    /// see token secrets: the key arrives in the upload itself.
    func openForDownload() async throws -> any UploadStore {
        guard let etcd, try StoreKey.load(at: keyURL) == nil else { return try await openState() }
        return EtcdStateStore.readingUploads(client: try EtcdClient(configuration: etcd))
    }
}

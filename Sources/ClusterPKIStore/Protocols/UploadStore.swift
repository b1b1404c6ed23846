import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Storage for encrypted uploads (`upload-certs`) that disappear with their proxy token.
public protocol UploadStore: Sendable {
    /// Stores `blobs` under `name`, replacing a previous upload, bound to a new proxy token that lives `ttl` seconds.
    func storeUpload(name: String, blobs: [String: Data], ttl: TimeInterval, actor: String, now: Date) async throws
        -> Upload
    /// The live upload `name`; fails with ``StoreError/uploadNotFound(name:)`` once it expired.
    func upload(named name: String, now: Date) async throws -> Upload
    /// Deletes the upload `name` and its proxy token; fails with ``StoreError/uploadNotFound(name:)``.
    func deleteUpload(named name: String, actor: String, now: Date) async throws
}

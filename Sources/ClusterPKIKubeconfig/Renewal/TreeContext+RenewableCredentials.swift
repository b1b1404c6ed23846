import ClusterPKICore
import Foundation

extension TreeContext {
    /// Every certificate `certs renew` and `certs check-expiration` know about: the PKI leaves, then the client
    /// certificates of the renewable kubeconfig files.
    public var renewableCredentials: [any RenewableCredential] {
        fileCredentials + kubeconfigCredentials
    }
}

extension ExpirationReport {
    /// `certs check-expiration`: the report of ``TreeContext/renewableCredentials`` and the CAs, read under the
    /// tree's lock so a concurrent renewal is never seen half-written (the lock is not created when missing).
    public static func read(_ context: TreeContext) async throws -> ExpirationReport {
        try await context.directory.withExclusiveLock(create: false) {
            try ExpirationReport(context: context, credentials: context.renewableCredentials)
        }
    }
}

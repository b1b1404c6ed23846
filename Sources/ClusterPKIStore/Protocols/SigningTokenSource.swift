import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Where the cluster-info signatures come from: the live tokens with the `signing` usage.
public protocol SigningTokenSource: Sendable {
    func signingTokens(now: Date) async throws -> [BootstrapTokenString]
}

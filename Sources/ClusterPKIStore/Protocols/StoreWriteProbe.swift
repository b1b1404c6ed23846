import Foundation

/// A cheap check that the store takes writes now (readiness: a full disk or a lost quorum makes a server unready).
public protocol StoreWriteProbe: Sendable {
    /// Writes one small value in its own transaction; throws the ``StoreError`` a real write would get.
    func probeWrite(now: Date) async throws
}

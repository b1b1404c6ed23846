import ClusterPKIStore
import Foundation
import NIOConcurrencyHelpers

/// Whether the store takes writes, for `/readyz`: a probe write at most once per `interval`, its verdict shared by
/// the probes in between (an anonymous route must not turn into a write per request).
final class WriteReadiness: Sendable {
    let store: any StoreWriteProbe
    let interval: TimeInterval
    private let last: NIOLockedValueBox<(time: Date, failure: String?)?> = NIOLockedValueBox(nil)

    init(store: any StoreWriteProbe, interval: TimeInterval = 1) {
        self.store = store
        self.interval = interval
    }

    /// Nil when writes succeed, else why they fail (the store's message: where and what to do).
    func failure(now: Date) async -> String? {
        if let cached = last.withLockedValue({ $0 }), abs(now.timeIntervalSince(cached.time)) < interval {
            return cached.failure
        }
        var failure: String?
        do { try await store.probeWrite(now: now) } catch let error as StoreError { failure = error.message } catch {
            failure = "\(error)"
        }
        last.withLockedValue { $0 = (now, failure) }
        return failure
    }
}

import NIOConcurrencyHelpers

/// Open watches per user, so that one identity cannot hold a server's connections with watches.
final class WatchLimiter: Sendable {
    let limit: Int
    private let open = NIOLockedValueBox<[String: Int]>([:])

    init(limit: Int) { self.limit = limit }

    /// A slot for `user`, or nil when it already has `limit` open; the slot is freed when the lease is released.
    func acquire(_ user: String) -> Lease? {
        let granted = open.withLockedValue { counts in
            guard counts[user, default: 0] < limit else { return false }
            counts[user, default: 0] += 1
            return true
        }
        guard granted else { return nil }
        return Lease { [open] in
            open.withLockedValue { counts in
                counts[user, default: 1] -= 1
                if counts[user] == 0 { counts[user] = nil }
            }
        }
    }

    /// Watches open now for `user`.
    func count(_ user: String) -> Int { open.withLockedValue { $0[user, default: 0] } }

    /// One open watch; freed when the last reference goes, so a stream that never starts cannot leak its slot.
    final class Lease: Sendable {
        private let release: @Sendable () -> Void
        init(release: @escaping @Sendable () -> Void) { self.release = release }
        deinit { release() }
    }
}

import Foundation

/// Failed authentications of one token id or one client in a fixed window, and the lock-out they lead to.
///
/// Times are seconds since 1970. Every backend stores one per subject and applies ``afterFailure(previous:policy:now:)``.
package struct AuthFailureCounter: Sendable, Hashable, Codable {
    package var windowStart: Double
    package var failures: Int
    /// Until when the subject is refused even with the right secret; `nil` when it is not locked out.
    package var blockedUntil: Double?
    /// When the counter no longer matters and can be deleted.
    package var expiresAt: Double

    package init(windowStart: Double, failures: Int, blockedUntil: Double?, expiresAt: Double) {
        self.windowStart = windowStart
        self.failures = failures
        self.blockedUntil = blockedUntil
        self.expiresAt = expiresAt
    }

    /// The counter after one more failure at `now`; `previous` is the stored counter, if any.
    package static func afterFailure(previous: AuthFailureCounter?, policy: TokenAuthPolicy, now: Double)
        -> AuthFailureCounter
    {
        var windowStart = now
        var failures = 1
        if let previous, now - previous.windowStart < policy.window {
            windowStart = previous.windowStart
            failures = previous.failures + 1
        }
        var blockedUntil: Double?
        if failures >= policy.maxFailures {
            // After the back-off the subject gets a fresh window, not an immediate second lock-out.
            blockedUntil = now + policy.backoff
            windowStart = now
            failures = 0
        }
        return AuthFailureCounter(
            windowStart: windowStart, failures: failures, blockedUntil: blockedUntil,
            expiresAt: max(windowStart + policy.window, blockedUntil ?? 0))
    }
}

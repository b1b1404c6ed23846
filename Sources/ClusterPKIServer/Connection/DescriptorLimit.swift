#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's open-file limit (`ulimit -n`, systemd's `LimitNOFILE`) against the connections the policy allows.
struct DescriptorLimit: Sendable, Equatable {
    /// Descriptors the server needs besides connections: the store and its journal, the pki files, logs.
    static let reserve: UInt64 = 64

    var soft: UInt64
    var hard: UInt64

    /// The limits now.
    static func current() -> DescriptorLimit? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return nil }
        return DescriptorLimit(soft: UInt64(limit.rlim_cur), hard: UInt64(limit.rlim_max))
    }

    /// Raises the soft limit, within the hard one, to fit `maxConnections` connections plus ``reserve`` (Go's runtime
    /// raises it to the hard limit at start for the same reason). Returns the limits in force afterwards.
    static func raise(toFit maxConnections: Int) -> DescriptorLimit? {
        guard var limits = current() else { return nil }
        let wanted = min(UInt64(max(maxConnections, 0)) + reserve, limits.hard)
        if limits.soft < wanted {
            var limit = rlimit(rlim_cur: rlim_t(wanted), rlim_max: rlim_t(limits.hard))
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 { limits.soft = wanted }
        }
        return limits
    }

    /// The connections that fit under the soft limit with ``reserve`` descriptors to spare, at most `maxConnections`
    /// and at least 1.
    func connectionBudget(for maxConnections: Int) -> Int {
        let available = soft > Self.reserve ? soft - Self.reserve : 1
        return Int(min(UInt64(max(maxConnections, 1)), max(available, 1)))
    }
}

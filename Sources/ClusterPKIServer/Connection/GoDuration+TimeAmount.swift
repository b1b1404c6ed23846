import ClusterPKICore
import NIOCore

extension GoDuration {
    /// The duration as NIO schedules it (whole nanoseconds).
    var timeAmount: TimeAmount { .nanoseconds(Int64((seconds * 1e9).rounded())) }
}

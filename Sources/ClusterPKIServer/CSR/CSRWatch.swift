import ClusterPKIAPI
import ClusterPKIStore
import Foundation
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// `watch=true` on CertificateSigningRequests: a stream of `{"type":…,"object":…}` lines, first the current objects
/// (newer than `resourceVersion`), then changes, polled from the store until `timeoutSeconds` (capped by policy),
/// shutdown, or the client leaving.
///
/// The client leaving is seen on the channel, which closes as soon as the client closes its side (see
/// ``GuardedHTTPChannel``): a watch whose client went away stops polling within one interval, not at its timeout.
struct CSRWatch: Sendable {
    let store: any StateStore
    let maxSeconds: Int
    let limiter: WatchLimiter
    var pollInterval: Duration = .milliseconds(250)

    func response(
        timeoutSeconds: Int?, resourceVersion: String?, nameFilter: String?, user: String, channel: (any Channel)?
    ) throws -> Response {
        guard let lease = limiter.acquire(user) else {
            throw KubernetesStatus.tooManyWatches(user: user, limit: limiter.limit)
        }
        let timeout = TimeInterval(max(1, min(timeoutSeconds ?? maxSeconds, maxSeconds)))
        let since = resourceVersion.flatMap(Int64.init) ?? 0
        let (store, interval) = (self.store, pollInterval)
        let body = ResponseBody { writer in
            defer { withExtendedLifetime(lease) {} }
            let deadline = ContinuousClock.now + .seconds(timeout)
            var seen: [String: Int64] = [:]
            var lastVersion: Int64 = -1
            // The close future, not isActive: a context without a live connection (in-process tests) never closes.
            let closed = NIOLockedValueBox(false)
            channel?.closeFuture.whenComplete { _ in closed.withLockedValue { $0 = true } }
            while !closed.withLockedValue({ $0 }) {
                let version = try await store.certificateRequestsVersion()
                if version != lastVersion {
                    lastVersion = version
                    for item in try await Self.items(store, nameFilter)
                    where item.resourceVersion > (seen[item.name] ?? since) {
                        let event = WatchEvent(
                            type: seen[item.name] == nil ? "ADDED" : "MODIFIED", object: try CSRController.object(item))
                        var line = try KubernetesJSON.encode(event)
                        line.append(UInt8(ascii: "\n"))
                        try await writer.write(ByteBuffer(bytes: line))
                        seen[item.name] = item.resourceVersion
                    }
                }
                if ContinuousClock.now >= deadline || Task.isCancelled || Task.isShuttingDownGracefully { break }
                try? await Task.sleep(for: interval)
            }
            try await writer.finish(nil)
        }
        // The API server's type for a watch: newline-separated JSON events, not one JSON document.
        return Response(status: .ok, headers: [.contentType: "application/json;stream=watch"], body: body)
    }

    private static func items(_ store: any StateStore, _ nameFilter: String?) async throws -> [StoredCertificateRequest]
    {
        if let nameFilter { return try await store.certificateRequest(named: nameFilter).map { [$0] } ?? [] }
        return try await store.certificateRequests()
    }
}

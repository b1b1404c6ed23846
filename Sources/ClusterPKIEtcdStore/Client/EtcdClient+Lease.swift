import EtcdAPI
import GRPCCore
import SwiftProtobuf

/// etcd's Lease service: keys attached to a lease are deleted when it expires.
extension EtcdClient {
    /// Grants a lease of `ttl` seconds and returns its id.
    ///
    /// etcd enforces a minimum TTL and resets every lease to its full TTL when a new leader is elected, so a lease
    /// can outlive `ttl`: it collects garbage, it does not decide expiry.
    public func grantLease(ttl: Int64) async throws -> Int64 {
        let request = Etcdserverpb_LeaseGrantRequest.with { $0.ttl = ttl }
        return try await call { client, options in
            try await Etcdserverpb_Lease.Client(wrapping: client).leaseGrant(request, options: options).id
        }
    }

    /// Revokes a lease, deleting its keys; a lease that already expired is not an error.
    public func revokeLease(_ id: Int64) async throws {
        let request = Etcdserverpb_LeaseRevokeRequest.with { $0.id = id }
        try await call { client, options in
            do {
                _ = try await Etcdserverpb_Lease.Client(wrapping: client).leaseRevoke(request, options: options)
            } catch let error as RPCError where error.code == .notFound {
                return
            }
        }
    }

    /// Seconds left on a lease (-1 once it expired) and the keys attached to it.
    public func leaseTimeToLive(_ id: Int64) async throws -> (ttl: Int64, keys: [String]) {
        let request = Etcdserverpb_LeaseTimeToLiveRequest.with {
            $0.id = id
            $0.keys = true
        }
        let response = try await call { client, options in
            try await Etcdserverpb_Lease.Client(wrapping: client).leaseTimeToLive(request, options: options)
        }
        return (response.ttl, response.keys.map { String(decoding: $0, as: UTF8.self) })
    }
}

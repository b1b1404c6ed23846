import EtcdAPI
import Foundation

extension EtcdClient {
    /// Every key under `prefix` in key order, read page by page at one revision so that the list is consistent
    /// and no response exceeds gRPC's message limit.
    public func list(prefix: String, pageSize: Int64 = 256) async throws -> (kvs: [Mvccpb_KeyValue], revision: Int64) {
        var request = Etcdserverpb_RangeRequest(prefix: prefix, order: .none, limit: pageSize)
        var kvs: [Mvccpb_KeyValue] = []
        while true {
            let page = try await range(request)
            kvs += page.kvs
            if request.revision == 0 { request.revision = page.header.revision }
            guard page.more, let last = page.kvs.last else { return (kvs, request.revision) }
            // The next page starts just after the last key read.
            request.key = last.key + Data([0])
        }
    }
}

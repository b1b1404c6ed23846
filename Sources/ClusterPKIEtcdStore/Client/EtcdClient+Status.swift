import ClusterPKIStore
import EtcdAPI

/// etcd's Maintenance service: the status of every member, asked one by one.
extension EtcdClient {
    /// The status of each endpoint, in configuration order; a member that does not answer gets its `failure`.
    public func endpointStatus() async -> [EtcdEndpointStatus] {
        await withTaskGroup(of: (Int, EtcdEndpointStatus).self) { group in
            for index in members.indices {
                group.addTask { (index, await self.status(member: index)) }
            }
            var statuses: [(Int, EtcdEndpointStatus)] = []
            for await status in group { statuses.append(status) }
            return statuses.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func status(member index: Int) async -> EtcdEndpointStatus {
        var status = EtcdEndpointStatus(endpoint: members[index].endpoint.description, isLeader: false, errors: [])
        do {
            let response = try await call(member: index) { client, options in
                try await Etcdserverpb_Maintenance.Client(wrapping: client).status(
                    Etcdserverpb_StatusRequest(), options: options)
            }
            status.version = response.version
            status.databaseSize = response.dbSize
            status.leader = response.leader
            status.isLeader = response.leader != 0 && response.leader == response.header.memberID
            status.errors = response.errors
        } catch let error as StoreError {
            status.failure = error.message
        } catch {
            status.failure = "\(error)"
        }
        return status
    }
}

import ClusterPKIEtcdStore

extension StateStoreLocation {
    /// Each etcd endpoint's answer to `Maintenance.Status` (none for SQLite).
    func endpointHealth() async -> [EtcdEndpointStatus] {
        guard let etcd, let client = try? EtcdClient(configuration: etcd) else { return [] }
        let statuses = await client.endpointStatus()
        await client.close()
        return statuses
    }
}

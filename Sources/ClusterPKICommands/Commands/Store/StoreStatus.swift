import ArgumentParser
import ClusterPKIStore

/// `store status`: the backend, the health of each etcd endpoint, and what the store holds.
struct StoreStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract:
            "Show the state store's backend, each etcd endpoint's health (version, leader, database size) and the counts."
    )

    @OptionGroup var directories: DirectoryOptions
    @OptionGroup var state: StateOptions

    func run() async throws {
        let context = try directories.context()
        let location = try state.location(directories, context.settings, policy: context.policy)
        let health = await location.endpointHealth()
        StoreOutput.backend(location.storeDescription, endpoints: health).forEach { print($0) }
        // Counting needs the store (and its key); an unreachable etcd fails here, naming the endpoints it tried.
        if let store = try await location.openState(creating: false) {
            print(StoreOutput.counts(try await store.stateCounts()))
        } else {
            print("counts: none (the database does not exist yet)")
        }
        if health.contains(where: { !$0.isHealthy }) { throw ExitCode.failure }
    }
}

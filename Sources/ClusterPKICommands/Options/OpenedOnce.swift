import ClusterPKIStore
import Synchronization

/// A store opened on first use and shared by every later use in the command (one etcd connection, one key check).
final class OpenedOnce: Sendable {
    private let location: StateStoreLocation
    private let opening = Mutex<Task<any StateStore, any Error>?>(nil)

    init(_ location: StateStoreLocation) { self.location = location }

    /// The store; opening it failed when this throws (and the next call tries again).
    func get() async throws -> any StateStore {
        let task = opening.withLock { opening in
            if let opening { return opening }
            let location = location
            let task = Task { try await location.openState() }
            opening = task
            return task
        }
        do {
            return try await task.value
        } catch {
            opening.withLock { $0 = nil }
            throw error
        }
    }
}

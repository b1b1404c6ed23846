import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKISQLiteStore

@Suite struct ConcurrencyTests {
    @Test func fiftyStoresCreateTokensConcurrentlyOnOneFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path("state.db")
        // Every task opens its own store (own connections), as 50 processes would; the first ones race to migrate.
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<50 {
                group.addTask {
                    let store = try SQLiteStateStore(path: path, storeKey: testKey)
                    return try await store.createToken(TokenRequest(), actor: "t", now: referenceNow).id
                }
            }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 50)
        #expect(try rawCount(path, "SELECT count(*) FROM bootstrapToken") == 50)
    }
}

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

    @Test func eightConsumersOfAThreeUseTokenGetExactlyThreeSuccesses() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        let token = try await store.createToken(TokenRequest(maxUses: 3), actor: "t", now: referenceNow)
        let results = await withTaskGroup(of: Bool.self) { group in
            for index in 0..<8 {
                group.addTask {
                    guard let own = try? SQLiteStateStore(path: store.path, storeKey: testKey) else { return false }
                    let identity = try? await own.authenticate(
                        token.token.token, client: "node-\(index)", policy: .default, now: referenceNow)
                    return identity != nil
                }
            }
            return await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 3)
        #expect(try rawCount(store.path, "SELECT usesLeft FROM bootstrapToken") == 0)
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKISQLiteStore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Issue 13, item 7: a full disk is said as such, and `/readyz` follows whether the store can write.
@Suite(.serialized) struct DiskFullTests {
    @Test func aFullDiskIsNoSpaceAtThePathAndReadyzIs503UntilSpaceReturns() async throws {
        guard let disk = try FullFileSystem.mount(megabytes: 4) else { return }
        defer { disk.unmount() }
        let cluster = try TestCluster()
        let path = disk.url.appendingPathComponent("state.db").path
        let store = try SQLiteStateStore(path: path, storeKey: testKey)
        var environment = cluster.environment()
        environment.store = store
        try await cluster.application(environment).test(.router) { client in
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            disk.fill()
            // A real write fails with the new case and its message.
            do {
                _ = try await store.createToken(TokenRequest(), actor: "test", now: cluster.now)
                Issue.record("a write on a full disk succeeded")
            } catch let error as StoreError {
                guard case .noSpace(let at, _) = error else {
                    Issue.record("expected noSpace, got \(error)")
                    return
                }
                #expect(at == path)
                #expect(error.message.hasPrefix("no space left on device at \(path) "))
                #expect(!error.message.contains("restore the database from a backup"))
            }
            try await Task.sleep(for: .milliseconds(1100))  // past the probe's one-second memory
            let unready = try await client.execute(uri: "/readyz", method: .get)
            #expect(unready.status == .serviceUnavailable)
            #expect(unready.json["kind"] as? String == "Status")
            #expect((unready.json["message"] as? String ?? "").contains("no space left on device at \(path)"))
            disk.free()
            try await Task.sleep(for: .milliseconds(1100))
            #expect(try await client.execute(uri: "/readyz", method: .get).status == .ok)
            _ = try await store.createToken(TokenRequest(), actor: "test", now: cluster.now)
        }
    }
}

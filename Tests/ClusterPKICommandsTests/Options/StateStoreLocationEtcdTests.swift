import ClusterPKICore
import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// Opening an etcd store from the commands: the key file of this node must be the store's, and an unreachable etcd
/// fails within the deadline naming the endpoints tried.
@Suite(.etcdServer) struct StateStoreLocationEtcdTests {
    /// `deadline`: short where the test measures it, generous where a live member must answer on a loaded machine.
    static func location(
        kubernetesDir: URL, prefix: String, endpoints: [String]? = nil, deadline: Duration = .seconds(10)
    ) throws -> StateStoreLocation {
        var location = StateStoreLocation(db: "", kubernetesDir: kubernetesDir)
        location.etcd = try EtcdTestServer.required().configuration(
            endpoints: endpoints, prefix: prefix, deadline: deadline)
        return location
    }

    @Test func aNewStoreTakesThisNodesKeyAndAnotherNodeNeedsTheSameOne() async throws {
        let prefix = "/clusterpki-location-\(UUID().uuidString.prefix(8).lowercased())/"
        let first = try TemporaryDirectory()
        let second = try TemporaryDirectory()
        defer { first.remove(); second.remove() }
        let one = try Self.location(kubernetesDir: first.url, prefix: prefix)
        let token = try await one.openState().createToken(TokenRequest(), actor: "t", now: referenceNow)
        #expect(FileManager.default.fileExists(atPath: one.keyURL.path))

        // No key on the second node: refused, naming its key file and the store; no key is made up.
        let two = try Self.location(kubernetesDir: second.url, prefix: prefix)
        await #expect { try await two.openState() } throws: { error in
            guard case StoreError.stateKeyMissing(let keyFile, let store) = error else { return false }
            return keyFile == two.keyURL.path && store.contains(prefix)
                && store.contains(try! EtcdTestServer.required().endpoint)
        }
        #expect(!FileManager.default.fileExists(atPath: two.keyURL.path))

        // Another key: the mismatch names both.
        _ = try StoreKey.loadOrCreate(at: two.keyURL)
        await #expect { try await two.openState() } throws: { error in
            guard case StoreError.stateKeyMismatch(let keyFile, let store) = error else { return false }
            return keyFile == two.keyURL.path && store.contains(prefix) && "\(error)".contains(two.keyURL.path)
        }

        // The cluster's key: the same tokens.
        try FileManager.default.removeItem(at: two.keyURL)
        try FileManager.default.copyItem(at: one.keyURL, to: two.keyURL)
        let listed = try await two.openState().listTokens(now: referenceNow)
        #expect(listed.map(\.token) == [token.token])
    }

    @Test func anUnreachableEtcdFailsWithinTheDeadlineNamingTheEndpoints() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let dead = ["127.0.0.1:\(try EtcdTestServer.freePort())", "127.0.0.1:\(try EtcdTestServer.freePort())"]
        let location = try Self.location(
            kubernetesDir: directory.url, prefix: "/clusterpki-dead/", endpoints: dead, deadline: .seconds(2))
        let start = ContinuousClock.now
        await #expect { try await location.openState() } throws: { error in
            guard case StoreError.unavailable(let endpoints, _) = error else { return false }
            return endpoints == dead && dead.allSatisfy { "\(error)".contains($0) }
        }
        // Two endpoints under one 2 s deadline: it ends, it does not hang (the bound allows for a loaded machine).
        #expect(ContinuousClock.now - start < .seconds(10))
    }
}

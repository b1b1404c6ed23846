import ClusterPKIEtcdStore
import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Synchronization
import Testing

/// Everything the conformance suite exercises: the one protocol every backend implements.
typealias StoreUnderTest = any StateStore

/// The two backends every conformance test runs against.
enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, etcd
    var testDescription: String { rawValue }
}

/// One store under test (a temporary SQLite file, or a fresh prefix on the suite's etcd member) and ways to look
/// beneath it; ``openAnother(key:)`` gives a second store on the same data, as another process or replica has.
final class StoreFixture: Sendable {
    let backend: Backend
    let store: StoreUnderTest
    /// The SQLite file, or the etcd member and key prefix.
    let sqlitePath: String?
    let etcd: EtcdTestServer?
    let prefix: String
    private let clients: Mutex<[EtcdClient]>

    private init(
        backend: Backend, store: StoreUnderTest, sqlitePath: String?, etcd: EtcdTestServer?, prefix: String,
        clients: [EtcdClient]
    ) {
        self.backend = backend
        self.store = store
        self.sqlitePath = sqlitePath
        self.etcd = etcd
        self.prefix = prefix
        self.clients = Mutex(clients)
    }

    /// Runs `body` with a new empty store of `backend`, then closes and removes it.
    static func with(_ backend: Backend, _ body: (StoreFixture) async throws -> Void) async throws {
        let fixture = try await make(backend)
        do {
            try await body(fixture)
        } catch {
            await fixture.remove()
            throw error
        }
        await fixture.remove()
    }

    static func make(_ backend: Backend) async throws -> StoreFixture {
        switch backend {
        case .sqlite:
            let path = try TemporaryDirectory(prefix: "clusterpki-etcdtests").path("state.db")
            let store = try SQLiteStateStore(path: path, storeKey: testKey)
            return StoreFixture(backend: backend, store: store, sqlitePath: path, etcd: nil, prefix: "", clients: [])
        case .etcd:
            let server = try EtcdTestServer.required()
            let prefix = "/clusterpki-test-\(UUID().uuidString.prefix(8).lowercased())/"
            let client = try EtcdClient(configuration: server.configuration(prefix: prefix))
            let store = try await EtcdStateStore(client: client, storeKey: testKey)
            return StoreFixture(
                backend: backend, store: store, sqlitePath: nil, etcd: server, prefix: prefix, clients: [client])
        }
    }

    /// Another store on the same file or prefix, with its own connections.
    func openAnother(key: StoreKey = testKey) async throws -> StoreUnderTest {
        if let sqlitePath { return try SQLiteStateStore(path: sqlitePath, storeKey: key) }
        let client = try etcdClient()
        return try await EtcdStateStore(client: client, storeKey: key)
    }

    /// A new client on the fixture's prefix (closed with the fixture).
    func etcdClient() throws -> EtcdClient {
        let server = try #require(etcd)
        let client = try EtcdClient(configuration: server.configuration(prefix: prefix))
        clients.withLock { $0.append(client) }
        return client
    }

    func remove() async {
        for client in clients.withLock({ $0 }) { await client.close() }
        if let sqlitePath {
            try? FileManager.default.removeItem(
                atPath: URL(fileURLWithPath: sqlitePath).deletingLastPathComponent().path)
        }
    }
}

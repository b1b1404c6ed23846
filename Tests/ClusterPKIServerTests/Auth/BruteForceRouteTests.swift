import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// Issue 13, item 1: a wrong secret never locks out the right one; item 2: failures cost bounded rows.
@Suite struct BruteForceRouteTests {
    static let csrPath = "/apis/certificates.k8s.io/v1/certificatesigningrequests"

    static func csr(_ node: String) throws -> ByteBuffer {
        try TestCSR.body(
            name: "node-csr-\(node)",
            pem: try TestCSR.pem(commonName: "system:node:\(node)", organizations: ["system:nodes"]))
    }

    @Test func anAttackerHammeringAPublishedIDNeverLocksOutTheRealJoiner() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let environment = cluster.environment()
        try await cluster.application(environment).test(.router) { client in
            var codes: [Int: Int] = [:]
            for attempt in 0..<3000 {
                // One address, thousands of wrong secrets for the published id.
                let wrong = String(format: "abcdef.%016x", attempt + 1)
                let response = try await client.execute(
                    uri: Self.csrPath, method: .get, headers: headers(token: wrong, address: "203.0.113.66"))
                codes[response.status.code, default: 0] += 1
                if attempt % 500 == 499 {
                    // The real joiner, from its own address, in the middle of the attack.
                    let created = try await client.execute(
                        uri: Self.csrPath, method: .post,
                        headers: headers(
                            token: "abcdef.0123456789abcdef", address: "198.51.100.\(attempt / 500)", contentType: true),
                        body: try Self.csr("worker-\(attempt / 500)"))
                    #expect(created.status == .created, "joiner at attempt \(attempt): \(created.text)")
                }
            }
            // Five 401s, then the attacker's address is in back-off and never reaches the store again.
            #expect(codes == [401: 5, 429: 2995])
            let refused = try await client.execute(
                uri: Self.csrPath, method: .get,
                headers: headers(token: "abcdef.0123456789abcdef", address: "203.0.113.66"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
        }
        #expect(
            try await cluster.store.credentials().filter { $0.commonName.hasPrefix("system:node:worker-") }.count == 6)
    }

    @Test func wrongSecretsFromManyAddressesGet429WhileTheRightSecretStillAuthenticates() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        try await cluster.application().test(.router) { client in
            var codes: [Int: Int] = [:]
            for index in 0..<400 {
                // A botnet: every address guesses twice, so no address reaches its own back-off.
                for guess in 0..<2 {
                    let wrong = String(format: "abcdef.%016x", index * 2 + guess + 1)
                    let response = try await client.execute(
                        uri: Self.csrPath, method: .get,
                        headers: headers(token: wrong, address: "10.9.\(index / 256).\(index % 256)"))
                    codes[response.status.code, default: 0] += 1
                }
            }
            // The id's back-off answers wrong secrets with 429 from the sixth on...
            #expect(codes == [401: 5, 429: 795])
            // ...and the right secret from a fresh address still works, twice.
            for node in ["a", "b"] {
                let created = try await client.execute(
                    uri: Self.csrPath, method: .post,
                    headers: headers(token: "abcdef.0123456789abcdef", address: "198.51.100.9", contentType: true),
                    body: try Self.csr(node))
                #expect(created.status == .created, "\(created.text)")
            }
        }
    }

    /// 100,000 failed requests through the router from 1,000 addresses (100 each, a distributed `wrk`), with the
    /// serve loop's audit maintenance ticking every 10,000: the database grows by a bounded amount (README, limits).
    @Test func aHundredThousandFailedRequestsGrowTheDatabaseByABoundedAmount() async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token("abcdef.0123456789abcdef")
        let environment = cluster.environment()
        let database = cluster.root.appendingPathComponent("state.db").path
        _ = try await cluster.store.auditEvents(limit: 1)
        let before = Self.size(database)
        let rowsBefore = try await cluster.store.auditEvents(limit: nil).count
        let maintenance = AuditMaintenance(
            store: environment.store, throttle: environment.authThrottle, retention: .default, interval: .seconds(60),
            logger: Logger(label: "test"), now: environment.now)
        let failed = try await cluster.application(environment).test(.router) { client in
            var failed = 0
            for batch in 0..<10 {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for lane in 0..<4 {
                        group.addTask {
                            var failures = 0
                            for index in stride(from: lane, to: 10_000, by: 4) {
                                let address = "10.\(batch).0.\(index % 100)"
                                let wrong = String(format: "abcdef.%016x", batch * 10_000 + index + 1)
                                let response = try await client.execute(
                                    uri: Self.csrPath, method: .get, headers: headers(token: wrong, address: address))
                                if response.status == .unauthorized || response.status == .tooManyRequests {
                                    failures += 1
                                }
                            }
                            return failures
                        }
                    }
                    for try await count in group { failed += count }
                }
                await maintenance.tick()
            }
            return failed
        }
        #expect(failed == 100_000)
        let events = try await cluster.store.auditEvents(limit: nil)
        // One row per address and token id per window: 100 addresses a batch, 10 batches.
        #expect(events.count - rowsBefore == 1_000)
        #expect(
            events.filter { $0.action == .authenticationFailed }.map(\.detail).allSatisfy { $0.hasPrefix("failures=") })
        let growth = Self.size(database) - before
        print("audit growth for 100,000 failed requests: \(events.count - rowsBefore) rows, \(growth) bytes")
        #expect(growth <= 512 * 1024, "the database grew by \(growth) bytes")
    }

    /// The database file plus its write-ahead log.
    static func size(_ path: String) -> Int {
        [path, path + "-wal"].reduce(0) { total, file in
            total + ((try? FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0)
        }
    }
}

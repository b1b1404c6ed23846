import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// Token-check latency and CSR-create throughput, etcd against SQLite in the same run; prints, never asserts times.
///
/// Run with `CLUSTERPKI_BENCH=1 swift test -c release --filter StoreBenchmarkTests`.
@Suite(.etcdServer, .serialized, .enabled(if: ProcessInfo.processInfo.environment["CLUSTERPKI_BENCH"] == "1"))
struct StoreBenchmarkTests {
    static let authentications = 2_000
    static let requests = 1_600
    static let concurrency = 16

    @Test(arguments: Backend.allCases)
    func authenticationLatencyAndCSRRate(_ backend: Backend) async throws {
        try await StoreFixture.with(backend) { fixture in
            let store = fixture.store
            let clock = ContinuousClock()
            let token = try await store.createToken(TokenRequest(), actor: "bench", now: referenceNow)
            var samples: [Duration] = []
            samples.reserveCapacity(Self.authentications)
            for index in 0..<Self.authentications {
                let start = clock.now
                _ = try await store.authenticate(
                    token.token.token, client: "10.2.\(index / 250).\(index % 250)", policy: .default, now: referenceNow
                )
                samples.append(clock.now - start)
            }
            samples.sort()

            let started = clock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<Self.concurrency {
                    group.addTask {
                        for index in stride(from: worker, to: Self.requests, by: Self.concurrency) {
                            let serial = String(format: "b%05x", index)
                            let records = CertificateRequestRecords(
                                auditEvents: [
                                    AuditEvent(time: referenceNow, actor: "bench", action: .certificateRequestApproved)
                                ],
                                credential: try IssuedCredential(
                                    serial: serial, commonName: "system:node:n\(index)",
                                    organizations: ["system:nodes"],
                                    notAfter: referenceNow.addingTimeInterval(86_400), created: referenceNow,
                                    actor: "bench"),
                                node: NodeRecord(
                                    name: "n\(index)", addresses: ["10.3.0.1"], recorded: referenceNow,
                                    recordedBy: "bench"))
                            _ = try await store.createCertificateRequest(
                                name: "csr-\(index)", requester: "system:bootstrap:\(token.id)",
                                object: Data(repeating: 0x7b, count: 1_500),
                                now: referenceNow, recording: records)
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = clock.now - started
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            #expect(try await fixture.count(.certificateRequests) == Self.requests)
            #expect(try await fixture.count(.credentials) == Self.requests)
            let p50 = samples[samples.count / 2]
            let p99 = samples[samples.count * 99 / 100]
            print(
                "BENCH \(backend): token auth n=\(samples.count) p50=\(p50) p99=\(p99) | CSR create \(Self.requests) with \(Self.concurrency) tasks: \(String(format: "%.0f", Double(Self.requests) / seconds))/s"
            )
        }
    }
}

import ClusterPKICore
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Testing

/// Watches end when their client leaves (the store stops being polled at once, not at the watch's timeout) and are
/// capped per user.
@Suite(.serialized) struct WatchLifetimeTests {
    static let watch =
        "GET /apis/certificates.k8s.io/v1/certificatesigningrequests?watch=true&timeoutSeconds=600 HTTP/1.1\r\nHost: localhost\r\n\r\n"

    @Test func closedWatchStopsPollingTheStore() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing())
        let admin = try await fixture.cluster.admin()
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port, credential: admin)
            try await connection.send(Self.watch)
            #expect(await connection.wait(upTo: .seconds(5)) { connection.received.hasPrefix("HTTP/1.1 200") })
            let polls = { fixture.store.calls["certificateRequestsVersion", default: 0] }
            let before = polls()
            #expect(await connection.wait(upTo: .seconds(10)) { polls() - before >= 2 }, "the open watch does not poll")

            await connection.close()
            try await Task.sleep(for: .seconds(1))  // a poll already under way may finish
            let afterClose = polls()
            try await Task.sleep(for: .seconds(2))
            #expect(polls() == afterClose, "a watch whose client left still polls the store")
        }
    }

    @Test func watchesArePerUserCapped() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(maxWatches: 1))
        let admin = try await fixture.cluster.admin()
        let otherAdmin = try await fixture.cluster.credential(
            commonName: "second-admin", organizations: ["kubeadm:cluster-admins"])
        try await fixture.serve { port in
            let first = try await fixture.connect(port: port, credential: admin)
            try await first.send(Self.watch)
            #expect(await first.wait(upTo: .seconds(5)) { first.received.hasPrefix("HTTP/1.1 200") })

            let second = try await fixture.connect(port: port, credential: admin)
            try await second.send(Self.watch)
            #expect(await second.wait(upTo: .seconds(5)) { second.received.contains("}") })
            #expect(second.received.hasPrefix("HTTP/1.1 429"))
            #expect(second.received.contains("maxWatchesPerIdentity"))

            let other = try await fixture.connect(port: port, credential: otherAdmin)
            try await other.send(Self.watch)
            #expect(
                await other.wait(upTo: .seconds(5)) { other.received.hasPrefix("HTTP/1.1 200") }, "the cap is per user")

            await first.close()
            let third = try await fixture.connect(port: port, credential: admin)
            var served = false
            for _ in 0..<20 where !served {
                try await Task.sleep(for: .milliseconds(250))
                try await third.send(Self.watch)
                served = await third.wait(upTo: .seconds(2)) { third.received.contains("HTTP/1.1 200") }
            }
            #expect(served, "a closed watch does not free its slot")
            await second.close()
            await other.close()
            await third.close()
        }
    }
}

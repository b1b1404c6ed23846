import ClusterPKICore
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Testing

/// `server.connections.maxConnections`: a connection over the limit waits in the listen backlog (its handshake does not
/// start) and is served as soon as another closes.
@Suite(.serialized) struct ConnectionLimitTests {
    @Test func connectionOverTheLimitWaitsAndIsServedOnceLoadFalls() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(maxConnections: 2))
        try await fixture.serve { port in
            let first = try await fixture.connect(port: port)
            let second = try await fixture.connect(port: port)
            let third = try await RawConnection.connect(port: port, tls: try fixture.clientTLS())
            #expect(
                await third.wait(upTo: .seconds(1)) { third.handshaken } == false,
                "the third connection was accepted over the limit")

            await first.close()
            #expect(await third.wait(upTo: .seconds(5)) { third.handshaken })
            try await third.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await third.wait(upTo: .seconds(5)) { third.received.hasSuffix("ok") })
            #expect(third.received.hasPrefix("HTTP/1.1 200"))
            await second.close()
            await third.close()
        }
    }
}

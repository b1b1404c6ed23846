import ClusterPKICore
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Testing

/// The deadlines of `server.connections` on real sockets: a client that connects and does nothing, trickles its
/// header or body, or keeps an idle connection, is disconnected; one that sends in time is served.
@Suite(.serialized) struct ConnectionDeadlineTests {
    @Test func idleTCPConnectionIsClosedAtTheHandshakeDeadline() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(handshake: 0.5))
        try await fixture.serve { port in
            let start = ContinuousClock.now
            let connection = try await RawConnection.connect(port: port)  // plain TCP: no ClientHello ever
            #expect(await connection.waitForClose(upTo: .seconds(5)))
            #expect(ContinuousClock.now - start >= .milliseconds(400))
        }
    }

    @Test func idleTLSConnectionIsClosedAtTheHeaderDeadline() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(header: 0.5))
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            let start = ContinuousClock.now
            #expect(await connection.waitForClose(upTo: .seconds(5)))
            #expect(ContinuousClock.now - start >= .milliseconds(300))
            #expect(connection.received.isEmpty)
        }
    }

    @Test func headerSentAByteAtATimeIsCut() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(header: 1))
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            let start = ContinuousClock.now
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n")
            // Slow loris: a header line every 100 ms keeps bytes flowing but never ends the header.
            var index = 0
            while !connection.isClosed && ContinuousClock.now - start < .seconds(8) {
                try? await connection.send("X-Slow-\(index): x\r\n")
                index += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(connection.isClosed)
            #expect(ContinuousClock.now - start < .seconds(5))
            #expect(!connection.received.contains("200"))
        }
    }

    @Test func bodyThatNeverEndsIsCut() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(body: 0.5))
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            try await connection.send(
                "POST /apis/certificates.k8s.io/v1/certificatesigningrequests HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
            )
            let start = ContinuousClock.now
            while !connection.isClosed && ContinuousClock.now - start < .seconds(8) {
                try? await connection.send(" ")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(connection.isClosed)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
    }

    @Test func keptAliveConnectionIsClosedAfterTheIdleTimeout() async throws {
        // The idle timer runs from the connection's start, so it leaves room for a handshake on a loaded machine.
        let fixture = try await LiveConnectionFixture(connections: .testing(idle: 3))
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await connection.wait(upTo: .seconds(5)) { connection.received.hasSuffix("ok") })
            #expect(connection.received.hasPrefix("HTTP/1.1 200"))
            #expect(await connection.waitForClose(upTo: .seconds(10)))
        }
    }

    @Test func requestsInTimeAreServedOnOneKeptAliveConnection() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing(header: 2, idle: 2))
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            for round in 1...3 {
                try await connection.send("GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
                #expect(
                    await connection.wait(upTo: .seconds(5)) {
                        connection.received.components(separatedBy: "HTTP/1.1 200").count == round + 1
                    })
            }
            #expect(!connection.isClosed)
            await connection.close()
        }
    }
}

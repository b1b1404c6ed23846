import ClusterPKICore
import ClusterPKIServer
import ClusterPKITesting
import Foundation
import Testing

/// The HTTP/1 wire: HTTP/1.0 is answered as 1.0 and closed; a method no parser knows gets a 400 `Status`.
@Suite(.serialized) struct HTTP1EdgeTests {
    @Test func http10RequestGetsConnectionCloseAndIsClosed() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing())
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            try await connection.send("GET /healthz HTTP/1.0\r\n\r\n")
            #expect(await connection.waitForClose(upTo: .seconds(5)), "an HTTP/1.0 connection was kept open")
            let response = connection.received
            #expect(response.hasPrefix("HTTP/1.0 200"))
            #expect(response.lowercased().contains("connection: close"))
            #expect(!response.lowercased().contains("transfer-encoding: chunked"))
            #expect(response.hasSuffix("ok"))
        }
    }

    @Test func http10WatchStreamIsNotChunked() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing())
        let admin = try await fixture.cluster.admin()
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port, credential: admin)
            try await connection.send(
                "GET /apis/certificates.k8s.io/v1/certificatesigningrequests?watch=true&timeoutSeconds=1 HTTP/1.0\r\n\r\n"
            )
            #expect(await connection.waitForClose(upTo: .seconds(5)))
            #expect(connection.received.hasPrefix("HTTP/1.0 200"))
            #expect(!connection.received.lowercased().contains("chunked"))
        }
    }

    @Test func unknownMethodGetsABadRequestStatus() async throws {
        let fixture = try await LiveConnectionFixture(connections: .testing())
        try await fixture.serve { port in
            let connection = try await fixture.connect(port: port)
            try await connection.send("FROBNICATE /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
            #expect(await connection.waitForClose(upTo: .seconds(5)))
            let response = connection.received
            #expect(response.hasPrefix("HTTP/1.1 400"))
            let body = try #require(response.components(separatedBy: "\r\n\r\n").last)
            let status = try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
            #expect(status["kind"] as? String == "Status")
            #expect(status["reason"] as? String == "BadRequest")
            #expect(status["code"] as? Int == 400)
            #expect((status["message"] as? String)?.contains("method") == true)
        }
    }
}

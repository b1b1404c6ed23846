import ClusterPKICore
import ClusterPKITesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// `spec.request` is read with CSRDecoder: other wrappings are accepted, and each refusal says why (issue 13: a
/// 76-column CSR and an RSA-1024 CSR both got "PEM block type must be CERTIFICATE REQUEST").
@Suite struct CSRDecodingRouteTests {
    static func fixture(_ name: String) throws -> String {
        try String(
            contentsOf: TestSupport.repositoryRoot.appendingPathComponent(
                "Tests/ClusterPKICoreTests/Fixtures/CSR/\(name)"), encoding: .utf8)
    }

    static let cases: [(file: String, status: Int, message: String?)] = [
        ("p256-76-columns.csr", 201, nil),
        ("p256-crlf.csr", 201, nil),
        ("p256-surrounded.csr", 201, nil),
        ("rsa1024.csr", 422, "the CSR's RSA key has 1024 bits, fewer than the 2048 required"),
        ("p256-tampered.csr", 422, "the CSR's signature does not verify with its own public key"),
        ("certificate.csr", 422, "PEM block type must be CERTIFICATE REQUEST, not \"CERTIFICATE\""),
        ("p256-no-end.csr", 422, "PEM block type must be CERTIFICATE REQUEST: no PEM block found"),
    ]

    @Test(arguments: cases)
    func createAcceptsAnyWrappingAndExplainsRefusals(_ file: String, _ status: Int, _ message: String?) async throws {
        let cluster = try TestCluster()
        _ = try await cluster.token()
        try await cluster.application(cluster.environment()).test(.router) { client in
            let response = try await client.execute(
                uri: "/apis/certificates.k8s.io/v1/certificatesigningrequests", method: .post,
                headers: headers(token: "abcdef.0123456789abcdef", address: "10.0.0.11", contentType: true),
                body: try TestCSR.body(name: "csr-\(file)", pem: try Self.fixture(file)))
            #expect(response.status.code == status, "\(file): \(response.json)")
            if let message {
                let text = try #require(response.json["message"] as? String)
                #expect(text.contains("spec.request: Invalid value: " + message), "\(text)")
            }
        }
    }
}

// A benchmark peer, not part of clusterpki's product: the least a server built on clusterpki's stack (Hummingbird 2
// over NIOSSL, Foundation's JSON coders, swift-certificates, the CA code of ClusterPKICore) does per signed CSR.
// It answers cfssl's sign-only API (POST /api/v1/cfssl/sign {"certificate_request": PEM}) the way `cfssl serve` does
// without a database: no authentication, no approval, nothing stored, nothing audited. `scripts/bench.sh endpoint`
// runs it beside clusterpki and cfssl, so the CPU a signed CSR costs splits into what the stack costs and what
// clusterpki's product path (token check, Kubernetes object, review, one durable transaction) adds to it.
//
//   signing-floor --listen 127.0.0.1:PORT --ca-dir DIR (ca.crt, ca.key) --tls-cert FILE --tls-key FILE
import ClusterPKICore
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import X509

@main
struct SigningFloor {
    struct SignRequest: Decodable {
        let certificateRequest: String
        enum CodingKeys: String, CodingKey { case certificateRequest = "certificate_request" }
    }

    struct SignResponse: Encodable {
        struct Result: Encodable { let certificate: String }
        let success: Bool
        let result: Result
    }

    static func main() async throws {
        let arguments = try Arguments(CommandLine.arguments.dropFirst())
        let directory = PKIDirectory(URL(fileURLWithPath: arguments.caDirectory))
        guard let certificate = try directory.readCertificates("ca")?.first, let key = try directory.readKey("ca")
        else {
            throw Arguments.Problem(message: "no ca.crt and ca.key in \(arguments.caDirectory)")
        }
        let authority = CertificateAuthority(name: "ca", certificate: certificate, key: key)

        let router = Router()
        router.post("/api/v1/cfssl/sign") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            let sign = try JSONDecoder().decode(SignRequest.self, from: body)
            let csr = try CSRDecoder.decode(pem: sign.certificateRequest)
            let subject = csr.subject.kubernetesIdentity
            let now = Date()
            let leaf = try authority.sign(
                IssuanceRequest(
                    commonName: subject.commonName, organizations: subject.organizations,
                    keyUsage: KeyUsage(digitalSignature: true), extendedKeyUsages: [.clientAuth],
                    notBefore: now - 300, notAfter: now + 365 * 86_400),
                publicKey: csr.publicKey)
            let encoder = JSONEncoder()
            encoder.outputFormatting = .withoutEscapingSlashes
            let json = try encoder.encode(
                SignResponse(success: true, result: .init(certificate: try PEMCertificates.encode([leaf]))))
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        let tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(arguments.tlsCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: arguments.tlsKey, format: .pem)))
        var logger = Logger(label: "signing-floor")
        logger.logLevel = .warning
        let app = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(arguments.host, port: arguments.port)), logger: logger)
        try await app.runService()
    }
}

/// `--listen HOST:PORT --ca-dir DIR --tls-cert FILE --tls-key FILE`, all required.
struct Arguments {
    struct Problem: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    let host: String
    let port: Int
    let caDirectory: String
    let tlsCertificate: String
    let tlsKey: String

    init(_ words: ArraySlice<String>) throws {
        var values: [String: String] = [:]
        var rest = words
        while let flag = rest.popFirst() {
            guard let value = rest.popFirst() else { throw Problem(message: "\(flag) needs a value") }
            values[flag] = value
        }
        func required(_ flag: String) throws -> String {
            guard let value = values[flag] else {
                throw Problem(
                    message: "usage: signing-floor --listen HOST:PORT --ca-dir DIR --tls-cert FILE --tls-key FILE")
            }
            return value
        }
        let listen = try required("--listen")
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw Problem(message: "--listen takes HOST:PORT, not \(listen)")
        }
        host = String(listen[..<colon])
        self.port = port
        caDirectory = try required("--ca-dir")
        tlsCertificate = try required("--tls-cert")
        tlsKey = try required("--tls-key")
    }
}

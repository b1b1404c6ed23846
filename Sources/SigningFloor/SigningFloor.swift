// A benchmark peer, not part of clusterpki's product: the least a server built on clusterpki's stack (Hummingbird 2
// over NIOSSL, Foundation's JSON coders, swift-certificates, the CA code of ClusterPKICore) does per signed CSR.
// It answers cfssl's sign-only API (POST /api/v1/cfssl/sign {"certificate_request": PEM}) the way `cfssl serve` does
// without a database: no authentication, no approval, nothing stored, nothing audited. `scripts/bench.sh endpoint`
// runs it beside clusterpki and cfssl, so the CPU a signed CSR costs splits into what the stack costs and what
// clusterpki's product path (token check, Kubernetes object, review, one durable transaction) adds to it.
//
//   signing-floor --listen 127.0.0.1:PORT --ca-dir DIR (ca.crt, ca.key) --tls-cert FILE --tls-key FILE
import ArgumentParser
import ClusterPKICore
import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL
import X509

@main
struct SigningFloor: AsyncParsableCommand {
    struct SignRequest: Decodable {
        let certificateRequest: String
        enum CodingKeys: String, CodingKey { case certificateRequest = "certificate_request" }
    }

    struct SignResponse: Encodable {
        struct Result: Encodable { let certificate: String }
        let success: Bool
        let result: Result
    }

    @Option(help: "HOST:PORT to listen on.") var listen: String
    @Option(name: .customLong("ca-dir"), help: "The directory holding ca.crt and ca.key.") var caDirectory: String
    @Option(name: .customLong("tls-cert"), help: "The serving certificate (PEM).") var tlsCertificate: String
    @Option(name: .customLong("tls-key"), help: "The serving key (PEM).") var tlsKey: String

    func run() async throws {
        guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]) else {
            throw ValidationError("--listen takes HOST:PORT, not \(listen)")
        }
        let host = String(listen[..<colon])
        let directory = PKIDirectory(URL(fileURLWithPath: caDirectory))
        guard let certificate = try directory.readCertificates("ca")?.first, let key = try directory.readKey("ca")
        else {
            throw ValidationError("no ca.crt and ca.key in \(caDirectory)")
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
            certificateChain: try NIOSSLCertificate.fromPEMFile(tlsCertificate).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: tlsKey, format: .pem)))
        var logger = Logger(label: "signing-floor")
        logger.logLevel = .warning
        let app = Application(
            router: router, server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port)), logger: logger)
        try await app.runService()
    }
}

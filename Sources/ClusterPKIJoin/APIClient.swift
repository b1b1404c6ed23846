import AsyncHTTPClient
import ClusterPKIAPI
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A small Kubernetes-API client over HTTPS, either unverified (discovery's first fetch) or pinned to a CA bundle.
struct APIClient: Sendable {
    let baseURL: String
    let client: HTTPClient
    let bearerToken: String?

    enum Trust { case insecure, pinned([NIOSSLCertificate]) }

    /// A client certificate (PEM) to present, e.g. a kubelet renewing its own credential.
    struct Identity: Sendable {
        var certificatePEM: String
        var keyPEM: String
    }

    static func make(server: String, trust: Trust, bearerToken: String?, identity: Identity? = nil) throws -> APIClient
    {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let identity {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(identity.certificatePEM.utf8)).map {
                .certificate($0)
            }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(identity.keyPEM.utf8), format: .pem))
        }
        switch trust {
        case .insecure:
            tls.certificateVerification = .none
        case .pinned(let roots):
            tls.trustRoots = .certificates(roots)
            tls.certificateVerification = .fullVerification
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let base = server.hasPrefix("https://") ? server : "https://" + server
        return APIClient(baseURL: base, client: client, bearerToken: bearerToken)
    }

    func shutdown() async { try? await client.shutdown() }

    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    func send(_ method: HTTPMethod, _ path: String, json: Data? = nil) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "clusterpki-join")
        if let bearerToken { request.headers.add(name: "Authorization", value: "Bearer \(bearerToken)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: json))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return Response(status: Int(response.status.code), body: Data(body.readableBytesView))
    }

    /// Sends `object` as JSON, as the API server's clients encode it.
    func send(_ method: HTTPMethod, _ path: String, object: some Encodable) async throws -> Response {
        try await send(method, path, json: try KubernetesJSON.encode(object))
    }

    /// The body of a 2xx answer as `type`; anything else is not what a clusterpki/Kubernetes API server sends.
    static func decode<T: Decodable>(_ type: T.Type, from response: Response, what: String) throws -> T {
        do {
            return try KubernetesJSON.decode(type, from: response.body)
        } catch {
            throw JoinError.malformedResponse("\(what) is not a \(T.self): \(error)")
        }
    }

    /// The message of the Kubernetes `Status` of an error body, or the raw text.
    static func message(of response: Response) -> String {
        if let status = try? KubernetesJSON.decode(StatusObject.self, from: response.body), let message = status.message
        {
            return message
        }
        return String(decoding: response.body.prefix(300), as: UTF8.self)
    }
}

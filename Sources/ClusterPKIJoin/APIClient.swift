import AsyncHTTPClient
import ClusterPKIAPI
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// A small Kubernetes-API client over HTTPS, either unverified (discovery's first fetch) or pinned to a CA bundle.
///
/// It may know several servers (`S1,S2,S3`, as behind a load balancer): a request goes to the one that answered last
/// and moves on to the next when a server does not answer (refused, timeout, TLS failure) or answers 5xx. The trust
/// is the same for every server, so the pins guard each of them.
struct APIClient: Sendable {
    let baseURLs: [String]
    let client: HTTPClient
    let bearerToken: String?
    let failover: ServerFailover

    enum Trust { case insecure, pinned([NIOSSLCertificate]) }

    /// A client certificate (PEM) to present, e.g. a kubelet renewing its own credential.
    struct Identity: Sendable {
        var certificatePEM: String
        var keyPEM: String
    }

    /// `server` is `host:port` (an `https://` prefix is accepted), or several of them separated by commas.
    static func make(
        server: String, trust: Trust, bearerToken: String?, identity: Identity? = nil,
        failover: ServerFailover = ServerFailover()
    ) throws -> APIClient {
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
        let bases = servers(server).map { $0.hasPrefix("https://") ? $0 : "https://" + $0 }
        return APIClient(baseURLs: bases, client: client, bearerToken: bearerToken, failover: failover)
    }

    /// The servers of a comma-separated list, in order, without blanks.
    static func servers(_ list: String) -> [String] {
        let servers = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return servers.isEmpty ? [list] : servers
    }

    func shutdown() async { try? await client.shutdown() }

    struct Response: Sendable {
        var status: Int
        var body: Data
        /// The base URL of the server that answered.
        var server: String = ""
    }

    /// Sends to the servers in turn until one answers below 500; the last answer (or failure) when none does.
    func send(_ method: HTTPMethod, _ path: String, json: Data? = nil) async throws -> Response {
        var failures: [(server: String, error: any Error)] = []
        var lastAnswer: Response?
        for index in failover.order(baseURLs.count) {
            do {
                let response = try await send(method, path, json: json, to: baseURLs[index])
                if response.status >= 500 {
                    lastAnswer = response
                    continue
                }
                failover.answered(index)
                return response
            } catch {
                failures.append((baseURLs[index], error))
            }
        }
        if let lastAnswer { return lastAnswer }
        if failures.count == 1 { throw failures[0].error }
        throw Unreachable(failures: failures.map { "\($0.server): \($0.error)" })
    }

    /// No server answered; a retry may still succeed (the step's timeout names every server and why).
    struct Unreachable: Error, CustomStringConvertible {
        let failures: [String]
        var description: String { "no server answered (\(failures.joined(separator: "; ")))" }
    }

    private func send(_ method: HTTPMethod, _ path: String, json: Data?, to base: String) async throws -> Response {
        var request = HTTPClientRequest(url: base + path)
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
        return Response(status: Int(response.status.code), body: Data(body.readableBytesView), server: base)
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

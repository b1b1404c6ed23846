import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import Hummingbird
import Logging

/// The outermost middleware: every failure becomes a Kubernetes `Status` (a ``StoreError`` through the one mapping,
/// ``KubernetesStatus/init(_:object:)``), and every response is counted by route template and code and logged
/// (method, path without query, code, user-visible reason; never headers or bodies). A method the path does not
/// serve is 405 MethodNotAllowed with `Allow`, not the router's 404. A path with an empty segment (a trailing or
/// doubled slash) is matched exactly against the route table: Hummingbird's router drops empty segments, so
/// `.../certificatesigningrequests/` (what a client sends for the name `.` once it normalizes the path) would
/// otherwise answer the list where an object was asked for.
struct EdgeMiddleware: RouterMiddleware {
    typealias Context = ServerContext
    let metrics: ServerMetrics
    let bodyLimit: Int
    let routes: RouteTable

    func handle(_ request: Request, context: ServerContext, next: (Request, ServerContext) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        var failure: KubernetesStatus?
        do {
            let path = request.uri.path
            if Self.hasEmptySegment(path), routes.allowedMethods(for: path).isEmpty {
                throw HTTPError(.notFound)
            }
            response = try await next(request, context)
        } catch let status as KubernetesStatus {
            failure = status
            response = try status.response(from: request, context: context)
        } catch let error as StoreError {
            let status = KubernetesStatus(error)
            if status.code >= 500 {
                context.logger.error(
                    "request failed", metadata: ["path": .untrusted(request.uri.path), "error": "\(error)"])
            }
            failure = status
            response = try status.response(from: request, context: context)
        } catch let error as any HTTPResponseError {
            let allowed = error.status == .notFound ? routes.allowedMethods(for: request.uri.path) : []
            let status =
                allowed.isEmpty
                ? KubernetesStatus.from(httpError: error.status, limit: bodyLimit)
                : .methodNotAllowed(request.method.rawValue)
            failure = status
            response = try status.response(from: request, context: context)
            if !allowed.isEmpty { response.headers[.allow] = allowed.joined(separator: ", ") }
        } catch {
            context.logger.error(
                "request failed", metadata: ["path": .untrusted(request.uri.path), "error": "\(error)"])
            failure = .internalError
            response = try KubernetesStatus.internalError.response(from: request, context: context)
        }
        let route = context.endpointPath ?? "unmatched"
        metrics.request(method: request.method.rawValue, route: route, code: Int(response.status.code))
        let elapsed = ContinuousClock.now - start
        // Built only when debug lines are logged (metadata is an autoclosure): every request passes here.
        func metadata() -> Logger.Metadata {
            var metadata: Logger.Metadata = [
                "method": "\(request.method.rawValue)", "path": .untrusted(request.uri.path),
                "code": "\(response.status.code)",
                "ms": "\(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)",
            ]
            if let failure { metadata["reason"] = "\(failure.reason)" }
            return metadata
        }
        context.logger.debug("request", metadata: metadata())
        return response
    }

    /// A trailing or doubled slash, checked on bytes (Foundation's substring search cost ~13,000 instructions on
    /// every request).
    static func hasEmptySegment(_ path: String) -> Bool {
        let slash = UInt8(ascii: "/")
        var previous: UInt8 = 0
        for byte in path.utf8 {
            if byte == slash, previous == slash { return true }
            previous = byte
        }
        return previous == slash
    }
}

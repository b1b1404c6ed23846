import ClusterPKIAPI
import ClusterPKICore
import Foundation
import Hummingbird

/// A Kubernetes `Status` failure (spec 9): every error the endpoint returns has this shape.
///
/// The message is for the client; the cause, if any, goes to the log only.
public struct KubernetesStatus: HTTPResponseError, Sendable, Equatable {
    public typealias Details = StatusObject.Details

    public let code: Int
    public let reason: String
    public let message: String
    public var details: Details?

    public init(code: Int, reason: String, message: String, details: Details? = nil) {
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details
    }

    public var status: HTTPResponse.Status { HTTPResponse.Status(code: code) }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let retry = details?.retryAfterSeconds { headers[.retryAfter] = String(retry) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The JSON body.
    public var body: Data {
        (try? KubernetesJSON.encode(
            StatusObject.failure(code: code, reason: reason, message: message, details: details))) ?? Data()
    }
}

extension KubernetesStatus {
    /// `<resource[.group]> "<name>"`, the way apimachinery names an object in messages.
    static func qualified(_ resource: String, group: String) -> String {
        group.isEmpty ? resource : "\(resource).\(group)"
    }

    public static let unauthorized = KubernetesStatus(code: 401, reason: "Unauthorized", message: "Unauthorized")

    public static func notFound(_ resource: String, group: String = "", name: String, hint: String? = nil)
        -> KubernetesStatus
    {
        let base = "\(qualified(resource, group: group)) \"\(name)\" not found"
        return KubernetesStatus(
            code: 404, reason: "NotFound", message: hint.map { "\(base): \($0)" } ?? base,
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    public static func alreadyExists(_ resource: String, group: String = "", name: String) -> KubernetesStatus {
        KubernetesStatus(
            code: 409, reason: "AlreadyExists",
            message: "\(qualified(resource, group: group)) \"\(name)\" already exists",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    /// An RBAC-style 403: `User "u" cannot <verb> resource "r" in API group "g" [in the namespace "n"]`.
    public static func forbidden(
        user: String, verb: String, resource: String, group: String = "", namespace: String? = nil, name: String? = nil,
        why: String? = nil
    ) -> KubernetesStatus {
        let object =
            name.map { "\(qualified(resource, group: group)) \"\($0)\" is forbidden" }
            ?? "\(qualified(resource, group: group)) is forbidden"
        let scope = namespace.map { " in the namespace \"\($0)\"" } ?? (name == nil ? " at the cluster scope" : "")
        var message =
            "\(object): User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group \"\(group)\"\(scope)"
        if let why { message += ": \(why)" }
        return KubernetesStatus(
            code: 403, reason: "Forbidden", message: message,
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    public static func invalid(_ resource: String, group: String = "", name: String, _ problem: String)
        -> KubernetesStatus
    {
        KubernetesStatus(
            code: 422, reason: "Invalid",
            message: "\(qualified(resource, group: group)) \"\(name)\" is invalid: \(problem)",
            details: Details(name: name, group: group.isEmpty ? nil : group, kind: resource))
    }

    public static func badRequest(_ message: String) -> KubernetesStatus {
        KubernetesStatus(code: 400, reason: "BadRequest", message: message)
    }

    public static func tooLarge(limit: Int) -> KubernetesStatus {
        KubernetesStatus(
            code: 413, reason: "RequestEntityTooLarge",
            message:
                "the request body is larger than the server's limit of \(limit) bytes (policy server.maxRequestBodyBytes)"
        )
    }

    public static func tooManyRequests(retryAfter: Int) -> KubernetesStatus {
        KubernetesStatus(
            code: 429, reason: "TooManyRequests",
            message: "too many failed authentication attempts, please try again in \(retryAfter) seconds",
            details: Details(retryAfterSeconds: retryAfter))
    }

    /// A user over `server.connections.maxWatchesPerIdentity` open watches.
    public static func tooManyWatches(user: String, limit: Int) -> KubernetesStatus {
        KubernetesStatus(
            code: 429, reason: "TooManyRequests",
            message:
                "user \"\(user)\" already has \(limit) open watches, the limit of the policy (server.connections.maxWatchesPerIdentity); close one and retry",
            details: Details(retryAfterSeconds: 1))
    }

    /// A requester over `server.certificateSigningRequests.maxDeniedPerRequester` denied CSRs. No `Retry-After`:
    /// client-go retries a 429 that has one by itself, which would only repeat the refusal until `deniedTTL` passes.
    public static func tooManyDeniedRequests(user: String, limit: Int, ttl: GoDuration) -> KubernetesStatus {
        KubernetesStatus(
            code: 429, reason: "TooManyRequests",
            message:
                "user \"\(user)\" already has \(limit) denied certificatesigningrequests stored, the limit of the policy (server.certificateSigningRequests.maxDeniedPerRequester); denied CSRs are deleted \(ttl) after their denial (server.certificateSigningRequests.deniedTTL): fix the request and retry after that, or ask an admin to delete them (kubectl delete csr)"
        )
    }

    /// 503 with `Retry-After`: the state store cannot be reached now (etcd down or without quorum).
    public static func serviceUnavailable(retryAfter: Int) -> KubernetesStatus {
        KubernetesStatus(
            code: 503, reason: "ServiceUnavailable",
            message: "the state store is unavailable, please try again in \(retryAfter) seconds",
            details: Details(retryAfterSeconds: retryAfter))
    }

    public static let pathNotFound = KubernetesStatus(
        code: 404, reason: "NotFound", message: "the server could not find the requested resource")

    public static func methodNotAllowed(_ method: String) -> KubernetesStatus {
        KubernetesStatus(
            code: 405, reason: "MethodNotAllowed",
            message: "the server does not allow this method on the requested resource (\(method))")
    }

    public static let internalError = KubernetesStatus(
        code: 500, reason: "InternalError",
        message: "an error on the server has prevented the request from succeeding; see the clusterpki serve log")

    /// Maps a framework error to a Status.
    static func from(httpError status: HTTPResponse.Status, limit: Int) -> KubernetesStatus {
        switch status.code {
        case 404: return .pathNotFound
        case 405: return .methodNotAllowed("")
        case 413: return .tooLarge(limit: limit)
        case 400: return .badRequest("the request could not be parsed")
        default:
            let reason = status.code >= 500 ? "InternalError" : "BadRequest"
            return KubernetesStatus(code: status.code, reason: reason, message: status.reasonPhrase)
        }
    }
}

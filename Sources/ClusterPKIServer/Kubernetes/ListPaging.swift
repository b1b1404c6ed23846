import ClusterPKIAPI
import Foundation
import Hummingbird

/// `limit` and `continue` of a list request, as the API server chunks lists (`kubectl get --chunk-size`).
///
/// The continue token is opaque to clients: base64url of `{"rv":…,"start":…}`, the list's resource version when the
/// first page was read (every page reports it) and the last name served (the next page starts after it).
struct ListPaging: Sendable, Equatable {
    /// At most this many items; nil is all (as `limit=0` is for the API server).
    var limit: Int?
    /// The last name of the previous page.
    var after: String?
    /// The resource version of the first page, carried by the token.
    var resourceVersion: String?

    init(limit: Int? = nil, after: String? = nil, resourceVersion: String? = nil) {
        self.limit = limit
        self.after = after
        self.resourceVersion = resourceVersion
    }

    /// Reads `limit` (a non-negative integer) and `continue` from the query; anything else is 400 BadRequest.
    init(query: Parameters) throws {
        if let value = try QueryValue.nonNegativeInt(query.get("limit"), name: "limit") {
            limit = value == 0 ? nil : value
        }
        if let token = query.get("continue"), !token.isEmpty {
            guard let decoded = Self.decode(token) else {
                throw KubernetesStatus.badRequest(
                    "continue key is not valid: it must be the metadata.continue of a previous page")
            }
            (after, resourceVersion) = (decoded.start, decoded.rv)
        }
    }

    /// The page of `items` (sorted by name, from `after` on, at most one past the limit), and the token of the next
    /// page when there is one.
    func page<Item>(_ items: [Item], resourceVersion: String, name: (Item) -> String) -> (
        items: [Item], continue: String?
    ) {
        let rest = after.map { start in items.filter { name($0) > start } } ?? items
        guard let limit, rest.count > limit, let last = rest.prefix(limit).last else { return (rest, nil) }
        return (
            Array(rest.prefix(limit)),
            Self.token(start: name(last), resourceVersion: self.resourceVersion ?? resourceVersion)
        )
    }

    private struct Token: Codable {
        var rv: String
        var start: String
    }

    static func token(start: String, resourceVersion: String) -> String {
        let json = (try? JSONEncoder().encode(Token(rv: resourceVersion, start: start))) ?? Data()
        return json.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(
            of: "/", with: "_"
        )
        .replacingOccurrences(of: "=", with: "")
    }

    private static func decode(_ token: String) -> Token? {
        var base64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode(Token.self, from: data)
    }
}

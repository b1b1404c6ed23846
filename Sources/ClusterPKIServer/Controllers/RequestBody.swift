import ClusterPKIAPI
import Foundation
import Hummingbird

/// Reads a request body up to the policy limit; larger bodies are 413 before they are read in full.
enum RequestBody {
    static func read(_ request: Request, limit: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw KubernetesStatus.tooLarge(limit: limit)
        }
        var request = request
        do {
            let buffer = try await request.collectBody(upTo: limit)
            return Data(buffer.readableBytesView)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw KubernetesStatus.tooLarge(limit: limit)
        }
    }

    /// Decodes JSON into `T`, as a 400 with the decoder's complaint when it does not fit.
    static func decodeJSON<T: Decodable>(_ type: T.Type, from data: Data, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw KubernetesStatus.badRequest("the request body is not a valid \(what): \(describe(error))")
        } catch {
            throw KubernetesStatus.badRequest("the request body is not a valid \(what)")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])): Required value"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context.codingPath)): \(context.debugDescription)"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }
}

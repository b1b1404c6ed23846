import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// `token delete` over the store: in order, each deletion reported as it happens.
@Suite struct TokenStoreDeletionTests {
    @Test func deletesInOrderAndReportsEach() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        for raw in ["aaaaaa.0123456789abcdef", "bbbbbb.0123456789abcdef"] {
            _ = try await store.createToken(
                TokenRequest(token: try BootstrapTokenString(parsing: raw)), actor: "t", now: referenceNow)
        }
        var deleted: [String] = []
        try await store.deleteTokens(ids: ["bbbbbb", "aaaaaa"], actor: "t", now: referenceNow) { deleted.append($0) }
        #expect(deleted == ["bbbbbb", "aaaaaa"])
        #expect(try await store.listTokens(now: referenceNow).isEmpty)
    }

    @Test func stopsAtTheFirstUnknownIdAfterReportingTheOnesBefore() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        _ = try await store.createToken(
            TokenRequest(token: try BootstrapTokenString(parsing: "aaaaaa.0123456789abcdef")), actor: "t",
            now: referenceNow)
        var deleted: [String] = []
        await #expect(throws: StoreError.tokenNotFound(id: "zzzzzz")) {
            try await store.deleteTokens(ids: ["aaaaaa", "zzzzzz"], actor: "t", now: referenceNow) {
                deleted.append($0)
            }
        }
        #expect(deleted == ["aaaaaa"])
    }
}

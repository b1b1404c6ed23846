import ClusterPKIStore
import ClusterPKITesting
import Foundation
import GRDB
import Testing

@testable import ClusterPKISQLiteStore

/// The read-only token check's own connection (``HotPathReader``).
@Suite struct HotPathReaderTests {
    @Test func checksSeeEveryCommittedWriteAtOnce() async throws {
        let (store, directory) = try makeStore()
        defer { directory.remove() }
        // The connection opens at the first check and then keeps its page cache: a token created or deleted through
        // the store's writer after that is seen by the very next check.
        #expect(try await store.authenticateReadOnly("abcdef.0123456789abcdef", client: "c", now: referenceNow) == nil)
        for _ in 0..<3 {
            let token = try await store.createToken(TokenRequest(), actor: "a", now: referenceNow)
            #expect(try await store.authenticateReadOnly(token.token.token, client: "c", now: referenceNow) != nil)
            try await store.deleteToken(id: token.id, actor: "a", now: referenceNow)
            #expect(try await store.authenticateReadOnly(token.token.token, client: "c", now: referenceNow) == nil)
        }
    }

    /// A lock held elsewhere is not waited for on the caller's (concurrency pool) thread: the check reports "not
    /// decided here" and the caller takes the write path, which waits on GRDB's writer queue.
    @Test func onlyLockErrorsCountAsBusy() {
        #expect(HotPathReader.isBusy(DatabaseError(resultCode: .SQLITE_BUSY)))
        #expect(HotPathReader.isBusy(DatabaseError(resultCode: .SQLITE_LOCKED)))
        #expect(!HotPathReader.isBusy(DatabaseError(resultCode: .SQLITE_CORRUPT)))
        #expect(!HotPathReader.isBusy(DatabaseError(resultCode: .SQLITE_IOERR)))
        #expect(!HotPathReader.isBusy(StoreError.tokenNotFound(id: "abcdef")))
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import GRDB
import Synchronization

/// Runs write bodies submitted concurrently in shared IMMEDIATE transactions (group commit).
///
/// SQLite has one writer; under load each separate transaction costs a hand-off to GRDB's writer queue and a WAL
/// commit, and the queue becomes the endpoint's bottleneck. Here, bodies that arrive while a transaction runs are
/// queued and the next transaction runs all of them, each inside its own savepoint: a body that throws rolls back
/// only its own changes and gets its own error, the others commit. A caller resumes only after the transaction
/// holding its body has committed, so durability is the same as with one transaction per body.
final class GroupCommitWriter: Sendable {
    /// Bodies per transaction, so that one transaction never holds the write lock for long.
    static let maximumBatch = 256

    private struct Pending: Sendable {
        /// Runs the body in a savepoint; returns how to resume the caller once the outcome of the commit is known.
        /// Throws only when the body's changes could not be rolled back: the whole batch then fails.
        let execute: @Sendable (Database) throws -> @Sendable ((any Error)?) -> Void
        let fail: @Sendable (any Error) -> Void
    }

    private struct Queue: ~Copyable {
        var pending: [Pending] = []
        var draining = false
    }

    private let pool: DatabasePool
    private let queue = Mutex(Queue())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Runs `body` in a write transaction shared with other concurrent writes; returns once that transaction committed.
    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let pending = Pending(
                execute: { db in
                    let outcome = try Self.inSavepoint(db) { try body(db) }
                    return { commitError in
                        if let commitError {
                            continuation.resume(throwing: commitError)
                        } else {
                            continuation.resume(with: outcome)
                        }
                    }
                },
                fail: { continuation.resume(throwing: $0) })
            let startDrain = queue.withLock { queue -> Bool in
                queue.pending.append(pending)
                if queue.draining { return false }
                queue.draining = true
                return true
            }
            if startDrain { pool.asyncWriteWithoutTransaction { db in self.drain(db) } }
        }
    }

    /// Runs `body` in a savepoint of the open transaction: its changes are kept when it returns and rolled back
    /// when it throws, and its error is its outcome. GRDB's `inSavepoint` compiles its `SAVEPOINT` and `RELEASE`
    /// statements anew each time (~22,000 instructions a write); these are cached, and GRDB still sees them as
    /// savepoints (it reads a statement's effect on the transaction when it is compiled). Throws when the rollback
    /// fails, as the transaction then holds changes of a body that failed.
    static func inSavepoint<T>(_ db: Database, _ body: () throws -> T) throws -> Result<T, any Error> {
        try db.cachedStatement(sql: "SAVEPOINT clusterpki_write").execute()
        do {
            let value = try body()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT clusterpki_write").execute()
            return .success(value)
        } catch {
            try db.cachedStatement(sql: "ROLLBACK TRANSACTION TO SAVEPOINT clusterpki_write").execute()
            try db.cachedStatement(sql: "RELEASE SAVEPOINT clusterpki_write").execute()
            return .failure(error)
        }
    }

    /// Runs batches on the writer connection until the queue is empty.
    private func drain(_ db: Database) {
        while true {
            let batch = queue.withLock { queue -> [Pending] in
                let batch = Array(queue.pending.prefix(Self.maximumBatch))
                queue.pending.removeFirst(batch.count)
                if batch.isEmpty { queue.draining = false }
                return batch
            }
            if batch.isEmpty { return }
            var resumptions: [@Sendable ((any Error)?) -> Void] = []
            resumptions.reserveCapacity(batch.count)
            do {
                try db.inTransaction(.immediate) {
                    for pending in batch { resumptions.append(try pending.execute(db)) }
                    return .commit
                }
                for resume in resumptions { resume(nil) }
            } catch {
                // BEGIN, COMMIT or a savepoint's rollback failed: nothing of this batch was kept.
                for resume in resumptions { resume(error) }
                for pending in batch.dropFirst(resumptions.count) { pending.fail(error) }
            }
        }
    }
}

import Foundation
import GRDB
import Synchronization

/// A read-only connection for the request path's short, indexed reads (the read-only token check), used on the
/// caller's thread.
///
/// GRDB's asynchronous reads hop to a queue that waits for a free reader, then to the reader's queue, then back to
/// the caller's executor: three thread wake-ups, more CPU than the two point reads they carry. Here the connection's
/// serial queue is entered with `sync`, which runs inline on the calling thread. The connection is its own, so a
/// long read elsewhere (a list, a sweep) never makes the caller wait; the callers share it one at a time, and a read
/// holds it for tens of microseconds. A lock held elsewhere is never waited for (SQLITE_BUSY at once, see
/// ``isBusy(_:)``): the caller's thread belongs to the concurrency pool, and a wait there would stall every request.
/// Opened at first use: a CLI command that never checks a token never opens it.
final class HotPathReader: Sendable {
    private let path: String
    private let connection = Mutex<DatabaseQueue?>(nil)

    init(path: String) {
        self.path = path
    }

    /// Runs `body` on the connection, opening it first if needed. No transaction is opened around it: each
    /// statement of `body` reads its own snapshot (SQLite's autocommit), which is what a body of one statement
    /// needs, and GRDB's `BEGIN`/`COMMIT` around a read are two statements compiled each time (~22,000
    /// instructions, more than the read they carry).
    func select<T>(_ body: (Database) throws -> T) throws -> T {
        let queue = try connection.withLock { connection -> DatabaseQueue in
            if let connection { return connection }
            var configuration = Configuration()
            configuration.readonly = true
            configuration.busyMode = .immediateError
            configuration.label = "clusterpki-state-hot-path"
            let opened = try DatabaseQueue(path: path, configuration: configuration)
            connection = opened
            return opened
        }
        return try queue.inDatabase(body)
    }

    /// Whether `error` is a lock held by another connection or process (a `store migrate`, an exclusive-mode tool):
    /// the caller then takes its slower path, which waits off the concurrency pool.
    static func isBusy(_ error: any Error) -> Bool {
        guard let error = error as? DatabaseError else { return false }
        return error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }
}

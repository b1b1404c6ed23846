import Synchronization

/// Which of several API servers a join talks to: the one that answered last, shared by every client of one join, so
/// that after one server stopped answering the others are asked first.
final class ServerFailover: Sendable {
    private let preferred = Mutex(0)

    init() {}

    /// The order to try `count` servers in: the preferred one first, then the next ones.
    func order(_ count: Int) -> [Int] {
        let first = preferred.withLock { $0 } % max(count, 1)
        return (0..<count).map { (first + $0) % count }
    }

    /// Remembers the server that answered.
    func answered(_ index: Int) {
        preferred.withLock { $0 = index }
    }
}

/// A store shared by several `clusterpki serve` replicas that can keep a local copy of what the read-only token check
/// reads, so that the check costs no round trip while the copy is known to be current.
public protocol TokenReadCaching: Sendable {
    /// Keeps the copy current until the task is cancelled; it answers nothing while this does not run.
    func maintainTokenReadCache() async
}

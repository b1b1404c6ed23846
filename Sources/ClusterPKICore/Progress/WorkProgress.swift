/// How far a long operation is, for a progress display on a terminal: `done` of `total` steps of `phase`, and the
/// step under way. Long operations (`join`, `rotate`, `ca rotate`; `store migrate` when it exists) report it through
/// a ``WorkProgress/Sink``; the display decides whether to show it (never in logs).
public struct WorkProgress: Sendable, Hashable {
    /// Receives progress as it happens.
    public typealias Sink = @Sendable (WorkProgress) -> Void

    /// The kubeadm-style phase, e.g. `renew`, `join`.
    public var phase: String
    public var done: Int
    public var total: Int
    /// What is being done now, e.g. a certificate's name.
    public var item: String

    public init(phase: String, done: Int, total: Int, item: String) {
        self.phase = phase
        self.done = done
        self.total = total
        self.item = item
    }

    /// A sink that shows nothing.
    public static let ignore: Sink = { _ in }
}

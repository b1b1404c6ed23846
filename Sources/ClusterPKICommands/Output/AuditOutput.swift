/// The lines of `audit prune`.
enum AuditOutput {
    static func pruned(_ count: Int) -> String {
        "deleted \(count) audit event\(count == 1 ? "" : "s")"
    }
}

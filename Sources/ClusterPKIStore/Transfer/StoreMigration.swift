import Foundation

/// `clusterpki store migrate`: copies every record of one store into another (SQLite → etcd or back) and proves the
/// copy by counts and digest. Inputs: two open stores with the same store key. Outputs: the target, an exact copy.
///
/// Idempotent: a target that already holds exactly the source's records is left alone. A target that holds anything
/// else is refused unless `force`, which replaces what it holds. Failed-authentication counters are not copied.
public enum StoreMigration {
    /// What a run found and did.
    public struct Result: Sendable {
        public var source: StateCounts
        public var sourceDigest: String
        public var target: StateCounts
        public var targetDigest: String
        /// False when the target already was an exact copy and nothing was written.
        public var copied: Bool
    }

    /// Copies `source` into `target`; `targetName` names the target in a refusal.
    public static func run(
        from source: any StateTransfer, to target: any StateTransfer, targetName: String, force: Bool
    ) async throws -> Result {
        let snapshot = try await source.exportState()
        let existing = try await target.exportState()
        if existing.digest == snapshot.digest {
            return Result(
                source: snapshot.counts, sourceDigest: snapshot.digest, target: existing.counts,
                targetDigest: existing.digest, copied: false)
        }
        guard existing.isEmpty || force else {
            throw StoreMigrationError.targetNotEmpty(target: targetName, counts: existing.counts)
        }
        try await target.replaceState(with: snapshot)
        let copy = try await target.exportState()
        guard copy.counts == snapshot.counts, copy.digest == snapshot.digest else {
            throw StoreMigrationError.verificationFailed(
                target: targetName, expected: snapshot.counts, found: copy.counts, expectedDigest: snapshot.digest,
                foundDigest: copy.digest)
        }
        return Result(
            source: snapshot.counts, sourceDigest: snapshot.digest, target: copy.counts, targetDigest: copy.digest,
            copied: true)
    }
}

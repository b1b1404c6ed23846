import Foundation

/// Why `clusterpki store migrate` stopped; each message says what to do next.
public enum StoreMigrationError: Error, Equatable, Sendable {
    case targetNotEmpty(target: String, counts: StateCounts)
    case verificationFailed(
        target: String, expected: StateCounts, found: StateCounts, expectedDigest: String, foundDigest: String)
    case sameStore(String)

    public var message: String {
        switch self {
        case .targetNotEmpty(let target, let counts):
            return
                "the target \(target) already holds other records (\(Self.describe(counts))); nothing was copied. Pass --force to replace them with the source's, or choose an empty target"
        case .verificationFailed(let target, let expected, let found, let expectedDigest, let foundDigest):
            return
                "the copy in \(target) does not match the source (expected \(Self.describe(expected)), digest \(expectedDigest); found \(Self.describe(found)), digest \(foundDigest)); was a store written during the migration? Stop every writer (clusterpki serve, timers) and run the migration again with --force"
        case .sameStore(let store):
            return "--from and --to both name \(store); pass two different stores"
        }
    }

    static func describe(_ counts: StateCounts) -> String {
        counts.fields.map { "\($0.name)=\($0.count)" }.joined(separator: " ")
    }
}

extension StoreMigrationError: CustomStringConvertible {
    public var description: String { message }
}

extension StoreMigrationError: LocalizedError {
    public var errorDescription: String? { message }
}

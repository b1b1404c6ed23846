import Foundation

/// Failures of phased rotations; each message says what to do next.
public enum RotationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case missingServiceAccountKey(path: String)
    case signingKeyNotFirstInBundle(keyPath: String, bundlePath: String)

    public var description: String {
        switch self {
        case .missingServiceAccountKey(let path):
            return "the service-account key \(path) does not exist; run `clusterpki certs generate sa` first (or copy sa.key and sa.pub from the first control-plane node)"
        case .signingKeyNotFirstInBundle(let keyPath, let bundlePath):
            return "\(bundlePath) does not start with the public key of \(keyPath), so the files were changed outside clusterpki; restore both from the same backup (or copy them from another control-plane node) and run the phase again"
        }
    }

    public var errorDescription: String? { description }
}

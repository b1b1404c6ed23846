import Foundation

/// Failures of phased rotations; each message says what to do next.
public enum RotationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case missingServiceAccountKey(path: String)
    case signingKeyNotFirstInBundle(keyPath: String, bundlePath: String)
    case unknownAuthority(String, known: [String])
    case missingAuthorityKey(name: String, path: String)
    case bundleWithoutNextAuthority(path: String)
    case phaseNotImplemented(String)

    public var description: String {
        switch self {
        case .missingServiceAccountKey(let path):
            return "the service-account key \(path) does not exist; run `clusterpki certs generate sa` first (or copy sa.key and sa.pub from the first control-plane node)"
        case .signingKeyNotFirstInBundle(let keyPath, let bundlePath):
            return "\(bundlePath) does not start with the public key of \(keyPath), so the files were changed outside clusterpki; restore both from the same backup (or copy them from another control-plane node) and run the phase again"
        case .unknownAuthority(let name, let known):
            return "\(name) is not a CA of this cluster that can rotate; use one of \(known.joined(separator: ", "))"
        case .missingAuthorityKey(let name, let path):
            return "the \(name) key \(path) is missing (external CA), so clusterpki cannot rotate it; rotate it with the external CA"
        case .bundleWithoutNextAuthority(let path):
            return "\(path) holds several certificates but not the next CA clusterpki prepared; restore it from a backup (or copy it from another control-plane node) and run the phase again"
        case .phaseNotImplemented(let phase):
            return "phase \(phase) is not implemented yet; only prepare is (switch and finish will follow)"
        }
    }

    public var errorDescription: String? { description }
}

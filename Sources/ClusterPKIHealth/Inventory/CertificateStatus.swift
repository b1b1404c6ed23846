import Foundation

/// One certificate of the node as the health model sees it: where it is, when it is valid and when it is due.
///
/// The status page draws its timeline from it and `/metrics` exports `notAfter`, so both show what the doctor checked.
public struct CertificateStatus: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case authority, leaf, kubeconfig, serving
    }

    public enum State: String, Sendable, Hashable, Codable {
        /// Valid, before its renewal time.
        case valid
        /// Inside the renewal window.
        case due
        case expired
        /// Its NotBefore is in the future.
        case notYetValid
        /// The file (or the embedded certificate) is missing.
        case missing
    }

    /// kubeadm's name (`apiserver`, `ca`) or the kubeconfig file (`admin.conf`).
    public var name: String
    /// The CA that signs it (itself for a CA).
    public var authority: String
    public var kind: Kind
    /// The file, relative to the kubernetes dir when inside it.
    public var file: String
    public var commonName: String?
    public var serial: String?
    public var notBefore: Date?
    public var notAfter: Date?
    /// When the policy's renewal window starts for it.
    public var renewalTime: Date?
    public var state: State

    /// Seconds left at `now` (negative once expired), nil when missing.
    public func remaining(at now: Date) -> TimeInterval? { notAfter.map { $0.timeIntervalSince(now) } }
}

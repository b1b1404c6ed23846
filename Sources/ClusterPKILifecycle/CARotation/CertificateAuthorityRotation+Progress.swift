import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation
import X509

extension CertificateAuthorityRotation {
    /// Where a CA rotation stands, read from the files and the store without changing either, and what its next
    /// phase waits for: after `switch`, the same checks `finish` refuses with (``leavesNotSignedBy(_:)`` and the
    /// node credentials issued before the switch).
    public struct Progress: Sendable, Equatable {
        public enum Stage: String, Sendable, Hashable, Codable {
            /// One CA in `<base>.crt`, no next CA.
            case idle
            /// The next CA exists and is trusted; the previous one still signs: `switch` is next.
            case prepared
            /// The next CA signs, the previous one is still trusted: `finish` is next, once nothing waits.
            case switched
            /// The files match no phase (changed outside clusterpki, or a phase interrupted before its commit).
            case inconsistent
        }

        public var authority: String
        public var stage: Stage
        /// The last phase the store recorded, if any.
        public var recorded: RotationPhase?
        /// How many certificates `<base>.crt` holds.
        public var bundle: Int
        /// After `switch`: the certificates of this CA that chain only to the previous one.
        public var staleCertificates: [String]
        /// After `switch` of `ca`: nodes whose only live client certificates were issued before the switch.
        public var staleNodes: [RotationError.NodeCredential]

        /// Whether `finish` would go through now.
        public var readyToFinish: Bool { stage == .switched && staleCertificates.isEmpty && staleNodes.isEmpty }
    }

    /// The progress of every rotatable CA of `context`; `store` nil (no state database) has recorded nothing.
    public static func progress(
        context: TreeContext, store: (any RotationPhaseStore & CredentialLedger)?
    ) async throws -> [Progress] {
        var result: [Progress] = []
        let records: any RotationPhaseStore & CredentialLedger = store ?? NoRotationRecords()
        for profile in context.activeAuthorities where rotatable.contains(profile.name) {
            let rotation = try CertificateAuthorityRotation(
                context: context, authority: profile.name, store: records, actor: "")
            result.append(try await rotation.progress())
        }
        return result
    }

    /// The progress of this rotation.
    public func progress() async throws -> Progress {
        let directory = context.directory
        let bundle = try directory.readCertificates(profile.baseName) ?? []
        let next = try directory.readCertificates(nextBase)?.first
        let signing = try directory.readKey(profile.baseName)?.publicKey
        let recorded = try await store.rotationPhase(profile.name)
        var progress = Progress(
            authority: profile.name, stage: .inconsistent, recorded: recorded, bundle: bundle.count,
            staleCertificates: [],
            staleNodes: [])
        guard let first = bundle.first else { return progress }
        if bundle.count == 1 && next == nil {
            progress.stage = .idle
        } else if bundle.count == 2, let next, bundle[1] == next, signing == first.publicKey {
            progress.stage = .prepared
        } else if bundle.count > 1, signing == first.publicKey, next == nil || next == first {
            progress.stage = .switched
            let current = CertificateAuthority(name: profile.name, certificate: first, key: nil)
            progress.staleCertificates = try leavesNotSignedBy(current)
            if profile.name == "ca", let since = recorded.flatMap(Self.switchedSince) {
                // As finish counts them: this node's kubelet.conf and what switch re-issued from the local key.
                let renewedHere =
                    [localKubeletSerial(signedBy: current)].compactMap { $0 }
                    + (recorded.map(Self.switchRenewedSerials) ?? [])
                progress.staleNodes = try await nodeCredentialsIssuedBefore(
                    since + Self.signerLag, renewedHere: renewedHere)
            }
        }
        return progress
    }
}

/// The records of a node without a state database: no phase recorded, no credential in the ledger.
private struct NoRotationRecords: RotationPhaseStore, CredentialLedger {
    func rotationPhase(_ subject: String) async throws -> RotationPhase? { nil }
    func recordRotationPhase(_ phase: RotationPhase) async throws { throw Self.readOnly }
    func recordCredential(_ credential: IssuedCredential) async throws { throw Self.readOnly }
    func credentials() async throws -> [IssuedCredential] { [] }
    func revokeCredential(serial: String, actor: String, now: Date) async throws -> IssuedCredential {
        throw StoreError.credentialNotFound(serial: serial)
    }
    func revokeCredentials(clientName: String, actor: String, now: Date) async throws -> [IssuedCredential] { [] }
    func isRevoked(serial: String) async throws -> Bool { false }

    // Never reached: reading the progress records nothing.
    static let readOnly = StoreError.cannotOpenDatabase(path: "(none)", detail: "no state database to record in")
}

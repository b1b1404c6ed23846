import ClusterPKIAPI
import ClusterPKICore
import Foundation
import NIOConcurrencyHelpers
import X509

#if canImport(Glibc)
import Glibc
#endif

/// The cluster CA as `ca.crt` and `ca.key` hold it at one moment.
public struct ClusterCASnapshot: Sendable {
    /// Signs CSRs, user credentials and the serving certificate: `ca.key` with the first certificate of `ca.crt`.
    public var signing: CertificateAuthority
    /// Every certificate of `ca.crt`: during a rotation the current and the next (or previous) CA.
    public var bundle: [Certificate]
    /// The bytes of `ca.crt`, served in cluster-info and embedded in minted kubeconfigs.
    public var bundlePEM: Data
    /// Moves by one at every reload that changed the files, so dependants can tell cheaply that they are stale.
    public var generation: Int

    public init(signing: CertificateAuthority, bundle: [Certificate], bundlePEM: Data, generation: Int = 0) {
        self.signing = signing
        self.bundle = bundle
        self.bundlePEM = bundlePEM
        self.generation = generation
    }

    /// Whether a CA of the bundle signed `leaf` (kubeadm's leaves hang directly under their CA).
    public func trusts(_ leaf: Certificate) -> Bool {
        bundle.contains { CertificateAuthority(name: signing.name, certificate: $0, key: nil).issued(leaf) }
    }
}

/// Follows `ca.crt`/`ca.key` while `clusterpki serve` runs, so a CA rotation needs no restart.
///
/// ``current()`` stats both files at most once per `interval`; only when the (inode, size, mtime) of either changed
/// (``FileTransaction`` renames, so the inode changes) are they read again. A pair that does not match (a rotation
/// caught between its renames) keeps the previous snapshot and is retried at the next check.
public final class ClusterCAWatcher: Sendable {
    struct Fingerprint: Equatable, Sendable {
        var inode: UInt64
        var size: Int64
        var seconds: Int
        var nanoseconds: Int
    }

    struct State: Sendable {
        var snapshot: ClusterCASnapshot
        var fingerprints: [Fingerprint?]
        var checked: Date
    }

    /// Where the CA lives; nil for a fixed CA.
    private let source: (directory: PKIDirectory, profile: CertificateProfile)?
    private let interval: TimeInterval
    private let now: @Sendable () -> Date
    private let state: NIOLockedValueBox<State>

    /// Loads the CA named `ca` of `tree`'s policy; fails when it is missing or has no key, as the server cannot sign then.
    public init(tree: TreeContext, interval: TimeInterval = 1, now: @escaping @Sendable () -> Date = { Date() }) throws
    {
        guard let profile = tree.policy.authority(named: "ca") else {
            throw PKIError.policy(field: "certificateAuthorities", problem: "no CA named ca")
        }
        let fingerprints = Self.fingerprints(tree.directory, profile)
        let snapshot = try Self.load(tree.directory, profile, generation: 0)
        self.source = (tree.directory, profile)
        self.interval = interval
        self.now = now
        self.state = NIOLockedValueBox(State(snapshot: snapshot, fingerprints: fingerprints, checked: now()))
    }

    /// A CA that never changes (tests, or callers that hold the files themselves).
    public init(fixed authority: CertificateAuthority, bundlePEM: Data) {
        let bundle =
            (try? PEMCertificates.parse(String(decoding: bundlePEM, as: UTF8.self), path: "ca.crt")) ?? [
                authority.certificate
            ]
        self.source = nil
        self.interval = .infinity
        self.now = { Date() }
        self.state = NIOLockedValueBox(
            State(
                snapshot: ClusterCASnapshot(
                    signing: authority, bundle: bundle.isEmpty ? [authority.certificate] : bundle, bundlePEM: bundlePEM),
                fingerprints: [], checked: .distantPast))
    }

    /// The CA now: the last snapshot, re-read first when the files changed since the last check. `refresh` checks
    /// the files whatever the interval (before writing something signed, so a stale signer never overwrites).
    public func current(refresh: Bool = false) -> ClusterCASnapshot {
        guard let (directory, profile) = source else { return state.withLockedValue { $0.snapshot } }
        let time = now()
        return state.withLockedValue { state in
            guard refresh || abs(time.timeIntervalSince(state.checked)) >= interval else { return state.snapshot }
            state.checked = time
            let fingerprints = Self.fingerprints(directory, profile)
            guard fingerprints != state.fingerprints else { return state.snapshot }
            guard let snapshot = try? Self.load(directory, profile, generation: state.snapshot.generation + 1)
            else { return state.snapshot }  // caught mid-rotation: keep serving the previous pair, retry at the next check
            if snapshot.bundlePEM == state.snapshot.bundlePEM,
                snapshot.signing.key?.publicKey == state.snapshot.signing.key?.publicKey
            {
                state.fingerprints = fingerprints  // rewritten with the same content
                return state.snapshot
            }
            state.snapshot = snapshot
            state.fingerprints = fingerprints
            return snapshot
        }
    }

    /// The CA pair with the checks of ``PKIDirectory/loadAuthority(_:)`` (a CA certificate, a key that matches it),
    /// plus the whole bundle of `ca.crt` and its bytes.
    static func load(_ directory: PKIDirectory, _ profile: CertificateProfile, generation: Int) throws
        -> ClusterCASnapshot
    {
        let certificateURL = directory.url(profile.baseName, "crt")
        guard let signing = try directory.loadAuthority(profile) else {
            throw PKIError.missingCertificateAuthority(name: profile.name, path: certificateURL.path)
        }
        guard !signing.isExternal else {
            throw PKIError.missingCAKey(name: profile.name, path: directory.url(profile.baseName, "key").path)
        }
        guard let pem = FileManager.default.contents(atPath: certificateURL.path) else {
            throw PKIError.missingCertificateAuthority(name: profile.name, path: certificateURL.path)
        }
        let bundle = try PEMCertificates.parse(String(decoding: pem, as: UTF8.self), path: certificateURL.path)
        guard bundle.first == signing.certificate else {
            throw PKIError.fileSystem(path: certificateURL.path, detail: "it changed while being read; try again")
        }
        return ClusterCASnapshot(signing: signing, bundle: bundle, bundlePEM: pem, generation: generation)
    }

    static func fingerprints(_ directory: PKIDirectory, _ profile: CertificateProfile) -> [Fingerprint?] {
        [fingerprint(directory.url(profile.baseName, "crt")), fingerprint(directory.url(profile.baseName, "key"))]
    }

    static func fingerprint(_ url: URL) -> Fingerprint? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Fingerprint(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: Int(info.st_mtim.tv_sec),
            nanoseconds: Int(info.st_mtim.tv_nsec))
    }
}

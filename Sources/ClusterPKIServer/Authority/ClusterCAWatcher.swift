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

    private let certificateURL: URL?
    private let keyURL: URL?
    private let name: String
    private let interval: TimeInterval
    private let now: @Sendable () -> Date
    private let state: NIOLockedValueBox<State>

    /// Loads the CA named `ca` of `tree`'s policy; fails when it is missing or has no key, as the server cannot sign then.
    public init(tree: TreeContext, interval: TimeInterval = 1, now: @escaping @Sendable () -> Date = { Date() }) throws {
        guard let profile = tree.policy.authority(named: "ca") else {
            throw PKIError.policy(field: "certificateAuthorities", problem: "no CA named ca")
        }
        let directory = tree.directory
        let certificateURL = directory.url(profile.baseName, "crt")
        let keyURL = directory.url(profile.baseName, "key")
        let fingerprints = [Self.fingerprint(certificateURL), Self.fingerprint(keyURL)]
        let snapshot = try Self.load(name: profile.name, certificate: certificateURL, key: keyURL, generation: 0)
        self.certificateURL = certificateURL
        self.keyURL = keyURL
        self.name = profile.name
        self.interval = interval
        self.now = now
        self.state = NIOLockedValueBox(State(snapshot: snapshot, fingerprints: fingerprints, checked: now()))
    }

    /// A CA that never changes (tests, or callers that hold the files themselves).
    public init(fixed authority: CertificateAuthority, bundlePEM: Data) {
        let bundle = (try? PEMCertificates.parse(String(decoding: bundlePEM, as: UTF8.self), path: "ca.crt")) ?? [authority.certificate]
        self.certificateURL = nil
        self.keyURL = nil
        self.name = authority.name
        self.interval = .infinity
        self.now = { Date() }
        self.state = NIOLockedValueBox(State(
            snapshot: ClusterCASnapshot(signing: authority, bundle: bundle.isEmpty ? [authority.certificate] : bundle, bundlePEM: bundlePEM),
            fingerprints: [], checked: .distantPast))
    }

    /// The CA now: the last snapshot, re-read first when the files changed since the last check. `refresh` checks
    /// the files whatever the interval (before writing something signed, so a stale signer never overwrites).
    public func current(refresh: Bool = false) -> ClusterCASnapshot {
        guard let certificateURL, let keyURL else { return state.withLockedValue { $0.snapshot } }
        let time = now()
        return state.withLockedValue { state in
            guard refresh || abs(time.timeIntervalSince(state.checked)) >= interval else { return state.snapshot }
            state.checked = time
            let fingerprints = [Self.fingerprint(certificateURL), Self.fingerprint(keyURL)]
            guard fingerprints != state.fingerprints else { return state.snapshot }
            guard let snapshot = try? Self.load(name: name, certificate: certificateURL, key: keyURL, generation: state.snapshot.generation + 1)
            else { return state.snapshot }  // caught mid-rotation: keep serving the previous pair, retry at the next check
            if snapshot.bundlePEM == state.snapshot.bundlePEM, snapshot.signing.key?.publicKey == state.snapshot.signing.key?.publicKey {
                state.fingerprints = fingerprints  // rewritten with the same content
                return state.snapshot
            }
            state.snapshot = snapshot
            state.fingerprints = fingerprints
            return snapshot
        }
    }

    static func load(name: String, certificate: URL, key: URL, generation: Int) throws -> ClusterCASnapshot {
        guard let pem = FileManager.default.contents(atPath: certificate.path) else {
            throw PKIError.missingCertificateAuthority(name: name, path: certificate.path)
        }
        guard let keyData = FileManager.default.contents(atPath: key.path) else { throw PKIError.missingCAKey(name: name, path: key.path) }
        let bundle = try PEMCertificates.parse(String(decoding: pem, as: UTF8.self), path: certificate.path)
        let privateKey = try PrivateKeyMaterial(pemEncoded: String(decoding: keyData, as: UTF8.self), path: key.path)
        guard let first = bundle.first else { throw PKIError.missingCertificateAuthority(name: name, path: certificate.path) }
        guard privateKey.publicKey == first.publicKey else { throw PKIError.keyDoesNotMatchCertificate(path: key.path) }
        return ClusterCASnapshot(
            signing: CertificateAuthority(name: name, certificate: first, key: privateKey), bundle: bundle, bundlePEM: pem, generation: generation)
    }

    static func fingerprint(_ url: URL) -> Fingerprint? {
        var info = stat()
        guard stat(url.path, &info) == 0 else { return nil }
        return Fingerprint(
            inode: UInt64(info.st_ino), size: Int64(info.st_size), seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec))
    }
}

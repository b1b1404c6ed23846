import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation
import X509

/// `clusterpki sa rotate`: replaces `sa.key` in two phases while the API server accepts tokens of both keys.
///
/// `prepare` writes a new `sa.key` and an `sa.pub` holding the new then the previous public key (one
/// ``FileTransaction``); `finish` drops the previous key. The files are the truth: a phase re-run after a crash
/// recognises its own completed write and only records the phase in the state database.
public struct ServiceAccountKeyRotation: Sendable {
    public enum Phase: String, Sendable, CaseIterable { case prepare, finish }
    public static let subject = "sa"

    public var context: TreeContext
    public var store: any RotationPhaseStore
    public var actor: String

    public init(context: TreeContext, store: any RotationPhaseStore, actor: String) {
        self.context = context
        self.store = store
        self.actor = actor
    }

    /// The recorded phase, the keys `sa.pub` holds (fingerprints, in order) and the signing key's fingerprint.
    public struct Status: Sendable {
        public var recorded: RotationPhase?
        public var verificationKeys: [String]
        public var signingKey: String?

        /// `rotating` while `sa.pub` holds more than one key.
        public var state: String { verificationKeys.count > 1 ? "rotating (prepared; run --phase finish)" : "idle" }
    }

    /// The status of `context`'s key files; `store` nil (no state database yet) means no phase was recorded.
    public static func status(context: TreeContext, store: (any RotationPhaseStore)?) async throws -> Status {
        let key = try context.directory.readKey(context.policy.serviceAccount.baseName)
        let bundle = try Self.readBundle(context, signingKey: key)
        return Status(
            recorded: try await store?.rotationPhase(Self.subject),
            verificationKeys: bundle.map(PublicKeyBundle.fingerprint),
            signingKey: key.map { PublicKeyBundle.fingerprint($0.publicKey) })
    }

    /// Runs `phase`; returns the lines to print.
    public func run(_ phase: Phase) async throws -> [String] {
        switch phase {
        case .prepare: return try await prepare()
        case .finish: return try await finish()
        }
    }

    func prepare() async throws -> [String] {
        let base = context.policy.serviceAccount.baseName
        let (current, previous, wrote) = try await context.directory.withExclusiveLock(create: false) {
            let (key, bundle) = try loadConsistent()
            if bundle.count > 1 { return (bundle[0], bundle[1], false) }  // prepared before a crash or a re-run
            let new = try PrivateKeyMaterial.generate(context.keyAlgorithm)
            var transaction = FileTransaction()
            transaction.write(try new.pemString(), to: context.directory.path(base, "key"), mode: 0o600)
            transaction.write(
                try PublicKeyBundle.encode([new.publicKey, key.publicKey]), to: context.directory.path(base, "pub"),
                mode: 0o600)
            try transaction.commit(in: context.directory.root)
            return (new.publicKey, key.publicKey, true)
        }
        var lines = [
            wrote
                ? "[sa] wrote a new sa.key; sa.pub holds the new key then the previous one"
                : "[sa] sa.pub already holds the new and the previous key; recording the phase"
        ]
        let detail = "new=\(PublicKeyBundle.fingerprint(current)) previous=\(PublicKeyBundle.fingerprint(previous))"
        try await store.recordRotationPhase(
            RotationPhase(
                subject: Self.subject, phase: "prepared", updatedAt: context.now, actor: actor, detail: detail))
        lines += [
            "[sa] phase prepare done (\(detail))",
            "Next: copy sa.key and sa.pub to every control-plane node, restart kube-apiserver and kube-controller-manager there,",
            "wait until tokens signed by the previous key are no longer in use, then run `clusterpki sa rotate --phase finish`.",
        ]
        return lines
    }

    func finish() async throws -> [String] {
        let base = context.policy.serviceAccount.baseName
        let dropped: [Certificate.PublicKey] = try await context.directory.withExclusiveLock(create: false) {
            let (key, bundle) = try loadConsistent()
            guard bundle.count > 1 else { return [] }
            var transaction = FileTransaction()
            transaction.write(
                try PublicKeyBundle.encode([key.publicKey]), to: context.directory.path(base, "pub"), mode: 0o600)
            try transaction.commit(in: context.directory.root)
            return Array(bundle.dropFirst())
        }
        let recorded = try await store.rotationPhase(Self.subject)
        var lines: [String]
        if dropped.isEmpty {
            lines = ["[sa] sa.pub holds only the signing key; nothing to finish"]
            guard recorded?.phase == "prepared" else { return lines }  // finished already, or never prepared
        } else {
            lines = ["[sa] removed \(dropped.map(PublicKeyBundle.fingerprint).joined(separator: ", ")) from sa.pub"]
        }
        let detail = "key=\(PublicKeyBundle.fingerprint(try loadConsistent().key.publicKey))"
        try await store.recordRotationPhase(
            RotationPhase(
                subject: Self.subject, phase: "finished", updatedAt: context.now, actor: actor, detail: detail))
        lines += ["[sa] phase finish done; copy sa.pub to every control-plane node and restart kube-apiserver there"]
        return lines
    }

    /// `sa.key` and `sa.pub` (its own public key when absent); the signing key must come first in `sa.pub`.
    func loadConsistent() throws -> (key: PrivateKeyMaterial, bundle: [Certificate.PublicKey]) {
        let base = context.policy.serviceAccount.baseName
        guard let key = try context.directory.readKey(base) else {
            throw RotationError.missingServiceAccountKey(path: context.directory.url(base, "key").path)
        }
        let bundle = try Self.readBundle(context, signingKey: key)
        guard bundle.first == key.publicKey else {
            throw RotationError.signingKeyNotFirstInBundle(
                keyPath: context.directory.url(base, "key").path, bundlePath: context.directory.url(base, "pub").path)
        }
        return (key, bundle)
    }

    static func readBundle(_ context: TreeContext, signingKey: PrivateKeyMaterial?) throws -> [Certificate.PublicKey] {
        let url = context.directory.url(context.policy.serviceAccount.baseName, "pub")
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            return signingKey.map { [$0.publicKey] } ?? []
        }
        return try PublicKeyBundle.parse(text, path: url.path)
    }
}

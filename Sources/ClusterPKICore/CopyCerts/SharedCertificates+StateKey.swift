import Foundation

/// The state store's key in `kubeadm-certs`: every control-plane node that shares a store (etcd) must hold the same
/// key, or the token secrets sealed through one node cannot be used through another.
extension SharedCertificates {
    /// The Secret data key of the state key.
    public static let stateKeyDataKey = "clusterpki-state.key"

    /// Seals the key file at `url`, which must exist: a shared store without its key on the next node is unusable.
    func sealStateKey(at url: URL, with key: CertificateKey) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw PKIError.fileSystem(
                path: url.path,
                detail:
                    "the state key cannot be read; run a state command once (e.g. `clusterpki token list`) to create it, then upload again"
            )
        }
        guard Self.isStateKey(data) else {
            throw PKIError.fileSystem(
                path: url.path, detail: "not a state key (64 hex digits); restore it from a backup")
        }
        return try SealedValue.seal(data, key: key)
    }

    /// Decrypts the uploaded key; refuses to replace a different key already at `url` (a store of this node's own
    /// would become unreadable), naming both.
    func openStateKey(_ sealed: Data, with key: CertificateKey, into url: URL) throws -> Data {
        let data = try SealedValue.open(sealed, key: key, name: Self.stateKeyDataKey)
        guard Self.isStateKey(data) else {
            throw PKIError.config(
                path: "kubeadm-certs", problem: "unknown data found in Secret entry \(Self.stateKeyDataKey)")
        }
        if let existing = FileManager.default.contents(atPath: url.path), Self.trimmed(existing) != Self.trimmed(data) {
            throw PKIError.config(
                path: url.path,
                problem:
                    "this node already has a different state key than the one in kubeadm-certs (\(Self.stateKeyDataKey), the key of the cluster's shared store); move \(url.path) away if this node's own store is not needed, then download again"
            )
        }
        return data
    }

    static func isStateKey(_ data: Data) -> Bool {
        let text = trimmed(data)
        return text.count == 64 && text.allSatisfy(\.isHexDigit)
    }

    static func trimmed(_ data: Data) -> String {
        String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

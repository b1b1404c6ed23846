import Foundation
import X509

#if canImport(Glibc)
import Glibc
#endif

/// Phase `upload-certs`/`download-certs`: the files every control-plane node must share (spec 6.1).
/// Inputs: ``TreeContext``, a ``CertificateKey``. Outputs: sealed values keyed like the `kubeadm-certs` Secret,
/// or, on download, the decrypted files written all-or-nothing.
public struct SharedCertificates: Sendable {
    public struct File: Sendable, Hashable {
        /// The Secret data key, e.g. `etcd-ca.key`.
        public var dataKey: String
        /// Absolute path of the file on this node.
        public var url: URL
    }

    public let context: TreeContext
    /// The state store's key file: sealed into the upload when the cluster shares its store (etcd), written here by a
    /// download that carries it; nil leaves it out of both.
    public let stateKey: URL?

    public init(context: TreeContext, stateKey: URL? = nil) {
        self.context = context
        self.stateKey = stateKey
    }

    /// The files to transfer for this node's configuration.
    public var files: [File] {
        let pki = context.settings.certificatesDir
        func pkiFile(_ relative: String) -> File {
            File(dataKey: relative.replacingOccurrences(of: "/", with: "-"), url: pki.appendingPathComponent(relative))
        }
        let ca = context.policy.authority(named: "ca")?.baseName ?? "ca"
        let frontProxy = context.policy.authority(named: "front-proxy-ca")?.baseName ?? "front-proxy-ca"
        let sa = context.policy.serviceAccount.baseName
        var files = [
            pkiFile("\(ca).crt"), pkiFile("\(ca).key"), pkiFile("\(frontProxy).crt"), pkiFile("\(frontProxy).key"),
            pkiFile("\(sa).pub"), pkiFile("\(sa).key"),
        ]
        if let external = context.settings.externalEtcd {
            for (key, path) in [
                ("external-etcd-ca.crt", external.caFile), ("external-etcd.crt", external.certFile),
                ("external-etcd.key", external.keyFile),
            ] {
                if let path, !path.isEmpty { files.append(File(dataKey: key, url: URL(fileURLWithPath: path))) }
            }
        } else {
            let etcdCA = context.policy.authority(named: "etcd-ca")?.baseName ?? "etcd/ca"
            files += [pkiFile("\(etcdCA).crt"), pkiFile("\(etcdCA).key")]
        }
        return files
    }

    /// The next CAs of a rotation in progress (`ca.next.crt`/`.key`, ...): between `prepare` and `finish` a node
    /// joining the control plane needs them to take part in `switch` like the first node; sent only while they exist.
    public var rotationFiles: [File] {
        let pki = context.settings.certificatesDir
        var names = ["ca", "front-proxy-ca"]
        if context.settings.externalEtcd == nil { names.append("etcd-ca") }
        return names.flatMap { name -> [File] in
            let base = context.policy.authority(named: name)?.baseName ?? (name == "etcd-ca" ? "etcd/ca" : name)
            return ["crt", "key"].map { suffix in
                File(
                    dataKey: "\(base).next.\(suffix)".replacingOccurrences(of: "/", with: "-"),
                    url: pki.appendingPathComponent("\(base).next.\(suffix)"))
            }
        }
    }

    /// Encrypts every file; a missing file becomes an empty value, as kubeadm uploads it. The bundle `ca.crt` goes
    /// as it is (old + new during a rotation), and so do the existing ``rotationFiles``.
    public func seal(with key: CertificateKey) throws -> [String: Data] {
        var values: [String: Data] = [:]
        let present = rotationFiles.filter { FileManager.default.fileExists(atPath: $0.url.path) }
        for file in files + present {
            guard FileManager.default.fileExists(atPath: file.url.path) else { values[file.dataKey] = Data(); continue }
            guard let data = FileManager.default.contents(atPath: file.url.path) else {
                throw PKIError.fileSystem(path: file.url.path, detail: "cannot read the file")
            }
            values[file.dataKey] = try SealedValue.seal(data, key: key)
        }
        if let stateKey { values[Self.stateKeyDataKey] = try sealStateKey(at: stateKey, with: key) }
        return values
    }

    /// Decrypts every value first, then writes all files in one transaction; any failure writes nothing. The
    /// ``rotationFiles`` are written when the upload carries them; when it does not, stale ones here are removed, so
    /// this node's CA files are exactly the uploading node's.
    @discardableResult
    public func open(_ values: [String: Data], with key: CertificateKey) async throws -> [String] {
        var plain: [(File, Data, UInt32)] = []
        let carried = rotationFiles.filter { !(values[$0.dataKey]?.isEmpty ?? true) }
        let stale = rotationFiles.filter { values[$0.dataKey]?.isEmpty ?? true }
        for file in carried {
            plain.append((file, try SealedValue.open(values[file.dataKey]!, key: key, name: file.dataKey), 0))
        }
        plain = try plain.map { ($0.0, $0.1, try Self.mode(for: $0.1, name: $0.0.dataKey)) }
        if let stateKey, let sealed = values[Self.stateKeyDataKey], !sealed.isEmpty {
            let file = File(dataKey: Self.stateKeyDataKey, url: stateKey)
            plain.append((file, try openStateKey(sealed, with: key, into: stateKey), 0o600))
        }
        for file in files {
            guard let value = values[file.dataKey] else {
                throw PKIError.config(
                    path: "kubeadm-certs",
                    problem:
                        "the Secret does not include the required certificate or key - name: \(file.dataKey), path: \(file.url.path); upload the certificates again with `clusterpki upload-certs`"
                )
            }
            if value.isEmpty { continue }
            let data = try SealedValue.open(value, key: key, name: file.dataKey)
            plain.append((file, data, try Self.mode(for: data, name: file.dataKey)))
        }
        let root = context.settings.certificatesDir.standardizedFileURL
        var inside = FileTransaction()
        var outside: [(URL, Data, UInt32)] = []
        for (file, data, mode) in plain {
            let path = file.url.standardizedFileURL.path
            if path.hasPrefix(root.path + "/") {
                inside.write(data, to: String(path.dropFirst(root.path.count + 1)), mode: mode)
            } else {
                outside.append((file.url, data, mode))
            }
        }
        try await PKIDirectory(root).withExclusiveLock(create: true) {
            try inside.commit(in: root)
            for file in stale { unlink(file.url.path) }
            for (url, data, mode) in outside {
                var single = FileTransaction()
                single.write(data, to: url.lastPathComponent, mode: mode)
                try single.commit(in: url.deletingLastPathComponent())
            }
        }
        return plain.map { $0.0.url.path }
    }

    /// Private keys 0600; certificates and public keys 0644 (spec 6.5).
    static func mode(for data: Data, name: String) throws -> UInt32 {
        let text = String(decoding: data, as: UTF8.self)
        if (try? PrivateKeyMaterial(pemEncoded: text, path: name)) != nil { return 0o600 }
        if text.contains("-----BEGIN CERTIFICATE-----") || text.contains("-----BEGIN PUBLIC KEY-----") { return 0o644 }
        throw PKIError.config(path: "kubeadm-certs", problem: "unknown data found in Secret entry \(name)")
    }
}

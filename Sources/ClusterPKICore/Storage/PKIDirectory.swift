import Foundation
import X509

#if canImport(Glibc)
import Glibc
#endif

/// kubeadm's certificate directory: `<base>.crt`, `<base>.key`, `<base>.pub` under one root.
public struct PKIDirectory: Sendable {
    public let root: URL

    public init(_ root: URL) { self.root = root.standardizedFileURL }

    public func path(_ baseName: String, _ suffix: String) -> String { baseName + "." + suffix }
    public func url(_ baseName: String, _ suffix: String) -> URL { root.appendingPathComponent(path(baseName, suffix)) }
    public func exists(_ baseName: String, _ suffix: String) -> Bool {
        FileManager.default.fileExists(atPath: url(baseName, suffix).path)
    }

    /// The certificates of `<base>.crt`, or nil when the file does not exist.
    public func readCertificates(_ baseName: String) throws -> [Certificate]? {
        let file = url(baseName, "crt")
        guard let text = try readText(file) else { return nil }
        return try PEMCertificates.parse(text, path: file.path)
    }

    /// The private key `<base>.key`, or nil when the file does not exist.
    public func readKey(_ baseName: String) throws -> PrivateKeyMaterial? {
        let file = url(baseName, "key")
        guard let text = try readText(file) else { return nil }
        return try PrivateKeyMaterial(pemEncoded: text, path: file.path)
    }

    func readText(_ file: URL) throws -> String? {
        guard FileManager.default.fileExists(atPath: file.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw PKIError.fileSystem(path: file.path, detail: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PKIError.malformedPEM(path: file.path, detail: "not UTF-8 text")
        }
        return text
    }

    /// Loads a CA: the certificate must be a CA and, when the key is present, match it.
    public func loadAuthority(_ profile: CertificateProfile) throws -> CertificateAuthority? {
        let key = try readKey(profile.baseName)
        guard let certificate = try readCertificates(profile.baseName)?.first else {
            if key != nil {
                throw PKIError.incompletePair(
                    name: profile.name, present: path(profile.baseName, "key"), missing: path(profile.baseName, "crt"))
            }
            return nil
        }
        guard case .isCertificateAuthority? = try? certificate.extensions.basicConstraints
        else { throw PKIError.notACertificateAuthority(name: profile.name, path: url(profile.baseName, "crt").path) }
        if let key, key.publicKey != certificate.publicKey {
            throw PKIError.keyDoesNotMatchCertificate(path: url(profile.baseName, "key").path)
        }
        return CertificateAuthority(name: profile.name, certificate: certificate, key: key)
    }

    /// Runs `body` holding an exclusive lock on the directory, after finishing any interrupted commit.
    public func withExclusiveLock<T>(create: Bool, _ body: () async throws -> T) async throws -> T {
        if create { try FileSystem.makeDirectory(root) }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw PKIError.fileSystem(
                path: root.path,
                detail:
                    "the certificate directory does not exist (pass --kubernetes-dir or --cert-dir, or run `clusterpki certs generate` first)"
            )
        }
        // flock on the directory itself: no lock file appears among kubeadm's files.
        let fd = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FileSystem.failure(root.path) }
        defer { close(fd) }
        guard flock(fd, LOCK_EX) == 0 else { throw FileSystem.failure(root.path) }
        defer { flock(fd, LOCK_UN) }
        try FileTransaction.recover(in: root)
        return try await body()
    }
}

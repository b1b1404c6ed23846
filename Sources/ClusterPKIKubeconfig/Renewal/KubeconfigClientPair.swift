import ClusterPKICore
import Foundation

/// Where a kubeconfig's client certificate and key are: embedded (`client-certificate-data`/`client-key-data`), or in
/// files (`client-certificate`/`client-key`, e.g. the kubelet's one combined `kubelet-client-current.pem`). Reads them,
/// and replaces them where they are: the same way for `clusterpki join`, `kubelet renew` and `rotate`.
public struct KubeconfigClientPair: Sendable {
    /// The kubeconfig file.
    public let url: URL
    /// `client-certificate` / `client-key` as absolute paths; nil when embedded.
    public let certificateFile: String?
    public let keyFile: String?

    public init(url: URL, certificateFile: String?, keyFile: String?) {
        self.url = url
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }

    /// The pair of the kubeconfig at `url`; nil when the file does not exist or its user has no client certificate
    /// and key (a token, or a bootstrap kubeconfig).
    public static func locate(_ url: URL) throws -> KubeconfigClientPair? {
        guard let document = try KubeconfigDocument.load(url) else { return nil }
        if document.value(.clientCertificateData) != nil && document.value(.clientKeyData) != nil {
            return KubeconfigClientPair(url: url, certificateFile: nil, keyFile: nil)
        }
        let model = try KubeConfig(yaml: document.text, path: url.path)
        guard let user = model.users.first(where: { $0.name == document.userName })?.user,
            let certificate = user.clientCertificate, let key = user.clientKey
        else { return nil }
        let base = url.deletingLastPathComponent()
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : base.appendingPathComponent(path).path }
        return KubeconfigClientPair(url: url, certificateFile: resolve(certificate), keyFile: resolve(key))
    }

    /// Where the client certificate is: its file, or the kubeconfig when embedded.
    public var certificatePath: String { certificateFile ?? url.path }

    /// The client certificate's PEM; nil when its file is missing.
    public func certificatePEM() throws -> String? {
        guard let certificateFile else { return try KubeconfigDocument.load(url)?.pem(.clientCertificateData) }
        return FileManager.default.contents(atPath: certificateFile).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The new pair where the old one was: one combined PEM file (the kubelet's), two files in one directory (both or
    /// neither), or embedded data; every other byte of the kubeconfig stays as it was.
    public func write(certificatePEM: String, keyPEM: String) throws {
        guard let certificateFile, let keyFile else {
            guard let current = try KubeconfigDocument.load(url) else {
                throw KubeconfigError.notAKubeconfig(
                    path: url.path, detail: "it disappeared while its client certificate was replaced")
            }
            try Self.replace(
                url,
                with: try current.replacing([
                    .clientCertificateData: Data(certificatePEM.utf8).base64EncodedString(),
                    .clientKeyData: Data(keyPEM.utf8).base64EncodedString(),
                ]))
            return
        }
        let certificateURL = URL(fileURLWithPath: certificateFile)
        let keyURL = URL(fileURLWithPath: keyFile)
        if certificateURL.standardizedFileURL == keyURL.standardizedFileURL {
            try Self.replace(certificateURL, with: certificatePEM + keyPEM, mode: 0o600)
        } else if certificateURL.deletingLastPathComponent().standardizedFileURL
            == keyURL.deletingLastPathComponent().standardizedFileURL
        {
            var transaction = FileTransaction()  // both or neither
            transaction.write(keyPEM, to: keyURL.lastPathComponent, mode: 0o600)
            transaction.write(certificatePEM, to: certificateURL.lastPathComponent, mode: 0o644)
            try transaction.commit(in: certificateURL.deletingLastPathComponent())
        } else {
            throw KubeconfigError.cannotEditInPlace(
                path: url.path, field: "client-certificate",
                reason:
                    "its client certificate and key are in different directories, which cannot be replaced together; put them in one file"
            )
        }
    }

    /// Replaces one file atomically, keeping its mode (0600 for a new file).
    public static func replace(_ url: URL, with text: String, mode: UInt32? = nil) throws {
        var transaction = FileTransaction()
        transaction.write(text, to: url.lastPathComponent, mode: mode ?? FileMode.of(url) ?? 0o600)
        try transaction.commit(in: url.deletingLastPathComponent())
    }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIStore
import Foundation

extension InitWorkflow {
    /// A combination of `init`'s flags that cannot work; the message names the flags.
    public enum FlagConflict: Error, Equatable, CustomStringConvertible {
        case certificateKeyWithoutUploadCerts

        public var description: String {
            switch self {
            case .certificateKeyWithoutUploadCerts: "--certificate-key is used only with --upload-certs"
            }
        }
    }
}

extension InitWorkflow.Options {
    /// `init`'s flags as typed: the token (`<id>.<secret>`, random when nil), its TTL as a Go duration (`0` never
    /// expires), and the upload key (64 hex characters, only with `uploadCerts`). Nothing is read or written.
    /// `serveListen` must be host:port and `serveAdvertiseURL` an https:// URL.
    public init(
        token: String?, tokenTTL: String, uploadCerts: Bool, certificateKey: String?, serveListen: String? = nil,
        serveAdvertiseURL: String? = nil
    ) throws {
        if certificateKey != nil && !uploadCerts { throw InitWorkflow.FlagConflict.certificateKeyWithoutUploadCerts }
        self.init(
            token: try token.map { try BootstrapTokenString(parsing: $0) },
            tokenTTL: try TokenRequest.parseTTL(tokenTTL),
            uploadCerts: uploadCerts, certificateKey: try certificateKey.map { try CertificateKey(parsing: $0) })
        if let serveListen { _ = try ServeEndpoint.hostPort(serveListen, field: "--serve-listen") }
        if let serveAdvertiseURL { try ServeEndpoint.checkURL(serveAdvertiseURL, field: "--serve-advertise-url") }
        self.serveListen = serveListen
        self.serveAdvertiseURL = serveAdvertiseURL
    }
}

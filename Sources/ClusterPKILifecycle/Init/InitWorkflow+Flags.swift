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
    public init(token: String?, tokenTTL: String, uploadCerts: Bool, certificateKey: String?) throws {
        if certificateKey != nil && !uploadCerts { throw InitWorkflow.FlagConflict.certificateKeyWithoutUploadCerts }
        self.init(
            token: try token.map { try BootstrapTokenString(parsing: $0) },
            tokenTTL: try TokenRequest.parseTTL(tokenTTL),
            uploadCerts: uploadCerts, certificateKey: try certificateKey.map { try CertificateKey(parsing: $0) })
    }
}

import Foundation

/// A CertificateSigningRequest as stored at `csr/<name>`; its resource version is the key's mod revision.
struct CertificateRequestRecord: Codable, Sendable, Hashable {
    var name: String
    var created: Date
    var requester: String
    var object: Data
}

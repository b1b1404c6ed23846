import ClusterPKICore
import ClusterPKIKubeconfig
import X509

/// A value a test expected to find.
public struct MissingValue: Error {
    public var what: String
    public init(what: String) { self.what = what }
}

extension KubeconfigDocument {
    /// The embedded client certificate, or a test failure.
    public func clientCertificate() throws -> Certificate {
        guard let pem = try pem(.clientCertificateData),
            let certificate = try PEMCertificates.parse(pem, path: path).first
        else {
            throw MissingValue(what: "client-certificate-data in \(path)")
        }
        return certificate
    }
}

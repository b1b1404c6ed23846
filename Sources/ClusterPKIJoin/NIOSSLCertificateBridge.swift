import ClusterPKIAPI
import NIOSSL
import SwiftASN1
import X509

/// swift-certificates → NIOSSL, for trust roots taken from a verified CA bundle.
enum NIOSSLCertificateBridge {
    static func certificate(_ certificate: Certificate) throws -> NIOSSLCertificate {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return try NIOSSLCertificate(bytes: serializer.serializedBytes, format: .der)
    }
}

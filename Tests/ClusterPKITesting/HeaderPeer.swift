import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIServer
import ClusterPKIStore
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Testing
import X509

/// Reads the client certificate and address from test headers: in-process router tests have no TLS channel.
/// (Test target only: production reads both from the TLS connection.)
public struct HeaderPeer: ConnectionPeer {
    public init() {}

    public static let certificateHeader = HTTPField.Name("x-test-client-certificate")!
    public static let addressHeader = HTTPField.Name("x-test-remote-address")!

    public func certificate(for request: Request, context: ServerContext) async -> Certificate? {
        guard let value = request.headers[Self.certificateHeader], let der = Data(base64Encoded: value) else {
            return nil
        }
        return try? Certificate(derEncoded: Array(der))
    }

    public func address(for request: Request, context: ServerContext) -> String {
        request.headers[Self.addressHeader] ?? "192.0.2.1"
    }
}

/// A client credential for tests.
public struct TestCredential: Sendable {
    public let certificate: Certificate
    public let key: PrivateKeyMaterial

    public init(certificate: Certificate, key: PrivateKeyMaterial) {
        self.certificate = certificate
        self.key = key
    }

    public var headerValue: String { Data(try! certificate.serializeAsPEM().derBytes).base64EncodedString() }
    public var serial: String { certificate.serialHex }
}

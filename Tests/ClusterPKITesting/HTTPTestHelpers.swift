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

extension TestResponse {
    public var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }
    public var text: String { String(buffer: body) }
}

/// Headers for a bearer token, a client certificate and/or a remote address.
public func headers(
    token: String? = nil, credential: TestCredential? = nil, address: String? = nil, contentType: Bool = false
) -> HTTPFields {
    var fields = HTTPFields()
    if let token { fields[.authorization] = "Bearer \(token)" }
    if let credential { fields[HeaderPeer.certificateHeader] = credential.headerValue }
    if let address { fields[HeaderPeer.addressHeader] = address }
    if contentType { fields[.contentType] = "application/json" }
    return fields
}

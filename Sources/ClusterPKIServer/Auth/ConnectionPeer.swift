import ClusterPKIAPI
import Foundation
import Hummingbird
import NIOCore
import NIOSSL
import Synchronization
import X509

/// What the transport knows about the other end: its verified client certificate and its address.
///
/// Production reads both from the TLS channel; tests that run in process (no socket) supply their own.
public protocol ConnectionPeer: Sendable {
    /// The client certificate presented in the TLS handshake, if any.
    func certificate(for request: Request, context: ServerContext) async -> Certificate?
    /// The client's IP address as text, or `unknown`.
    func address(for request: Request, context: ServerContext) -> String
}

/// Reads the peer from the NIO channel under Hummingbird's TLS handler.
///
/// The TLS handler answers only on its event loop, so asking from a request's task is a hop to the loop and back
/// (two thread wake-ups) on every authenticated request. The certificate cannot change during a connection (TLS
/// renegotiation is off), so it is asked once per connection and remembered until the connection closes; every
/// request still verifies it (chain, validity) as before.
public final class TLSConnectionPeer: ConnectionPeer {
    /// Per open connection: its client certificate, or nil for none. At most one entry per open connection.
    private let certificates = Mutex<[ObjectIdentifier: Certificate?]>([:])

    public init() {}

    public func certificate(for request: Request, context: ServerContext) async -> Certificate? {
        guard let channel = context.channel else { return nil }
        let key = ObjectIdentifier(channel)
        if let known = certificates.withLock({ $0[key] }) { return known }
        var certificate: Certificate?
        if let peer = try? await channel.nioSSL_peerCertificate().get(), let der = try? peer.toDERBytes() {
            certificate = try? Certificate(derEncoded: der)
        }
        // Forgotten when the connection closes (at once if it already has): a later connection that reuses the
        // identifier never finds this entry.
        certificates.withLock { $0[key] = .some(certificate) }
        channel.closeFuture.whenComplete { _ in _ = self.certificates.withLock { $0.removeValue(forKey: key) } }
        return certificate
    }

    /// How many open connections have their certificate (or its absence) remembered.
    public var rememberedConnections: Int { certificates.withLock { $0.count } }

    public func address(for request: Request, context: ServerContext) -> String {
        context.channel?.remoteAddress?.ipAddress ?? "unknown"
    }
}

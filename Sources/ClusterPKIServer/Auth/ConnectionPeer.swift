import ClusterPKIAPI
import Foundation
import Hummingbird
import NIOCore
import NIOSSL
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
public struct TLSConnectionPeer: ConnectionPeer {
    public init() {}

    public func certificate(for request: Request, context: ServerContext) async -> Certificate? {
        guard let channel = context.channel else { return nil }
        guard let peer = try? await channel.nioSSL_peerCertificate().get(), let der = try? peer.toDERBytes() else {
            return nil
        }
        return try? Certificate(derEncoded: der)
    }

    public func address(for request: Request, context: ServerContext) -> String {
        context.channel?.remoteAddress?.ipAddress ?? "unknown"
    }
}

import ClusterPKICore
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1.1 over TLS with the limits of `server.connections`: handshake, header and body deadlines
    /// (``ConnectionDeadlineHandler``), Hummingbird's idle timeout for kept-alive connections, remote close ends the
    /// connection and HTTP/1.0 closes after its response (``GuardedHTTPChannel``).
    ///
    /// The connection count is capped by the server configuration's ``MaximumAvailableConnections`` (see
    /// ``ClusterPKIServer/serverConfiguration(host:port:limits:logger:)``); NIO's accept back-off covers running out
    /// of descriptors below that cap.
    static func guardedHTTPS(tls: TLSChannelConfiguration, limits: ServerPolicy.ConnectionPolicy) -> HTTPServerBuilder {
        let deadlines = ConnectionDeadlineHandler.Limits(limits)
        let configuration = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionDeadlineHandler(limits: deadlines)],
            idleTimeout: limits.idleTimeout.timeAmount)
        return HTTPServerBuilder { responder in
            GuardedHTTPChannel(
                base: try TLSChannel(
                    HTTP1Channel(responder: responder, configuration: configuration), configuration: tls))
        }
    }
}

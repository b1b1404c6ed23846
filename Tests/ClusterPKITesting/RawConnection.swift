import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import NIOTLS

/// A client connection on a real socket that sends exactly the bytes a test gives it (a header a byte at a time,
/// HTTP/1.0, a method no parser knows) and records what comes back and when the server closes it.
public final class RawConnection: Sendable {
    private let channel: any Channel
    private let state: NIOLockedValueBox<(bytes: [UInt8], handshaken: Bool)>

    private init(channel: any Channel, state: NIOLockedValueBox<(bytes: [UInt8], handshaken: Bool)>) {
        self.channel = channel
        self.state = state
    }

    /// Connects to 127.0.0.1:`port`, over TLS when `tls` is given (the handshake starts at once; see ``handshaken``).
    public static func connect(port: Int, tls: TLSConfiguration? = nil, serverName: String = "localhost") async throws
        -> RawConnection
    {
        let state = NIOLockedValueBox<(bytes: [UInt8], handshaken: Bool)>(([], false))
        let context = try tls.map { try NIOSSLContext(configuration: $0) }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let context {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: context, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(Recorder(state: state))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, state: state)
    }

    /// Sends `text` as it is.
    public func send(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }

    /// Everything received so far, as text.
    public var received: String { String(decoding: state.withLockedValue { $0.bytes }, as: UTF8.self) }
    /// Whether the TLS handshake has completed.
    public var handshaken: Bool { state.withLockedValue { $0.handshaken } }
    public var isClosed: Bool { !channel.isActive }

    /// Waits up to `timeout` for `condition`; returns whether it held.
    public func wait(upTo timeout: Duration, until condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    /// Waits up to `timeout` for the server to close the connection; returns whether it did.
    public func waitForClose(upTo timeout: Duration) async -> Bool { await wait(upTo: timeout) { isClosed } }

    public func close() async { try? await channel.close().get() }

    private final class Recorder: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let state: NIOLockedValueBox<(bytes: [UInt8], handshaken: Bool)>
        init(state: NIOLockedValueBox<(bytes: [UInt8], handshaken: Bool)>) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            state.withLockedValue { $0.bytes += Array(buffer.readableBytesView) }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case TLSUserEvent.handshakeCompleted = event { state.withLockedValue { $0.handshaken = true } }
            context.fireUserInboundEventTriggered(event)
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) { context.close(promise: nil) }
    }
}

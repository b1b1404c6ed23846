import ClusterPKICore
import NIOCore
import NIOHTTPTypes
import NIOTLS

/// Closes a connection whose client is too slow at one of the steps that precede a request's handling: the TLS
/// handshake, the first request's header, or any request's body.
///
/// It sits after the HTTP decoder, so it sees whole header and body parts: a header sent a byte at a time arrives as
/// one part only when complete, and so is cut at its deadline whatever the client trickles. The wait for a later
/// request on a kept-alive connection is Hummingbird's idle timeout; a request being handled (a watch, say) has no
/// deadline here.
final class ConnectionDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    /// The three deadlines, from ``ClusterPKICore/ServerPolicy/ConnectionPolicy``.
    struct Limits: Sendable {
        var handshake: TimeAmount
        var header: TimeAmount
        var body: TimeAmount
    }

    /// What the connection waits for now.
    enum Phase: Equatable {
        case handshake, header, body, handling
    }

    private let limits: Limits
    private(set) var phase: Phase
    private var deadline: Scheduled<Void>?

    /// `tls` false starts at the header (a plain HTTP channel has no handshake).
    init(limits: Limits, tls: Bool = true) {
        self.limits = limits
        self.phase = tls ? .handshake : .header
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { enter(phase, context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if deadline == nil { enter(phase, context: context) }
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) { cancel() }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case TLSUserEvent.handshakeCompleted = event, phase == .handshake { enter(.header, context: context) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: enter(.body, context: context)
        case .body: break
        case .end: enter(.handling, context: context)
        }
        context.fireChannelRead(data)
    }

    private func enter(_ next: Phase, context: ChannelHandlerContext) {
        cancel()
        phase = next
        let limit: TimeAmount
        switch next {
        case .handshake: limit = limits.handshake
        case .header: limit = limits.header
        case .body: limit = limits.body
        case .handling: return
        }
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: limit) { channel.close(promise: nil) }
    }

    private func cancel() {
        deadline?.cancel()
        deadline = nil
    }
}

extension ConnectionDeadlineHandler.Limits {
    init(_ policy: ServerPolicy.ConnectionPolicy) {
        self.init(
            handshake: policy.handshakeTimeout.timeAmount, header: policy.requestHeaderTimeout.timeAmount,
            body: policy.requestBodyTimeout.timeAmount)
    }
}

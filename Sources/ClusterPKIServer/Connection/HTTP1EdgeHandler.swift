import ClusterPKIAPI
import Foundation
import NIOCore
import NIOHTTP1

/// What the HTTP/1 wire needs before requests become version-less HTTP types: it sits between NIO's HTTP/1 decoder
/// and the conversion, the last place that knows a request's version and the first to see a parse failure.
///
/// - An HTTP/1.0 request is marked `Connection: close` (Hummingbird then closes after the response), and its response
///   goes out as 1.0 with `Connection: close`, so NIO frames a streamed body by closing, not with chunked encoding,
///   which a 1.0 client cannot read.
/// - A request the decoder cannot parse (an unknown method, a malformed header) gets a 400 `Status` body and the
///   connection is closed, instead of Hummingbird's empty 400, unless an earlier response on the connection is still
///   being written (pipelining), where the framework's answer stays.
final class HTTP1EdgeHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Per request whose response has not started, in arrival order: whether that response closes the connection.
    private var closes: [Bool] = []
    /// Requests received whose response has not ended.
    private var unanswered = 0
    private var failed = false

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(var head) = unwrapInboundIn(data) else { return context.fireChannelRead(data) }
        let isHTTP10 = head.version == .http1_0
        closes.append(isHTTP10)
        unanswered += 1
        if isHTTP10 { head.headers.replaceOrAdd(name: "connection", value: "close") }
        context.fireChannelRead(wrapInboundOut(.head(head)))
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(var head) where !closes.isEmpty:
            guard closes.removeFirst() else { return context.write(data, promise: promise) }
            head.version = .http1_0
            head.headers.replaceOrAdd(name: "connection", value: "close")
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .end:
            unanswered = max(0, unanswered - 1)
            context.write(data, promise: promise)
        default:
            context.write(data, promise: promise)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parseError = error as? HTTPParserError, unanswered == 0, !failed else {
            return context.fireErrorCaught(error)
        }
        failed = true
        let body = ByteBuffer(bytes: Self.statusBody(for: parseError))
        var headers = HTTPHeaders([("content-type", "application/json"), ("connection", "close")])
        headers.add(name: "content-length", value: String(body.readableBytes))
        context.write(
            wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .badRequest, headers: headers))),
            promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
    }

    /// A `Status` naming what could not be parsed; the bytes themselves are not echoed.
    static func statusBody(for error: HTTPParserError) -> [UInt8] {
        let message: String
        switch error {
        case .invalidMethod: message = "the request's HTTP method is not one the server knows"
        case .invalidVersion: message = "the request's HTTP version is not HTTP/1.0 or HTTP/1.1"
        case .headerOverflow: message = "the request's header is larger than the server accepts"
        default: message = "the request could not be parsed as HTTP/1.1 (\(error))"
        }
        let object = StatusObject.failure(code: 400, reason: "BadRequest", message: message, details: nil)
        return Array((try? KubernetesJSON.encode(object)) ?? Data())
    }
}

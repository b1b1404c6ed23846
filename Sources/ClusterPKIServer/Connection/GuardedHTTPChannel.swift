import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1 (over TLS) child channel with two changes a public endpoint needs:
///
/// - a client that closes its side closes the connection (NIO's `allowRemoteHalfClosure` off; Hummingbird turns it
///   on), so whatever serves it, a watch especially, sees a closed channel at once rather than at its next write;
/// - ``HTTP1EdgeHandler`` before the conversion to HTTP types: HTTP/1.0 gets `Connection: close`, a request that
///   cannot be parsed a 400 `Status`.
struct GuardedHTTPChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.syncOptions?.setOption(ChannelOptions.allowRemoteHalfClosure, value: false)
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }.flatMapThrowing { value in
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(
                HTTP1EdgeHandler(), position: .before(try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)))
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

import ClusterPKICore
import ClusterPKIServer

/// What `serve` prints before it starts: where it listens and what it advertises, and why.
enum ServeOutput {
    static func startLine(_ addresses: ServeAddresses) -> String {
        let listen = ServeEndpoint.bracketed(addresses.listenHost) + ":\(addresses.port)"
        return
            "[serve] Listening on \(listen), advertising \(addresses.advertiseURL) to joining nodes (\(addresses.source))"
    }
}

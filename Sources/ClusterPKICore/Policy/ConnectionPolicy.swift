import Foundation

extension ServerPolicy {
    /// `server.connections`: how many connections `clusterpki serve` holds, how long each may stay silent, and how
    /// many watches one identity may keep open.
    ///
    /// Every limit exists because a client that does nothing must not hold a file descriptor for ever: an idle TCP or
    /// TLS connection, a header sent a byte at a time, a body that never ends, a watch whose client left.
    public struct ConnectionPolicy: Sendable, Codable, Hashable {
        /// Connections served at once; further ones wait in the listen backlog until one closes.
        public var maxConnections: Int
        /// From accept to the end of the TLS handshake.
        public var handshakeTimeout: GoDuration
        /// From the end of the handshake to the end of the first request's header.
        public var requestHeaderTimeout: GoDuration
        /// From the end of a request's header to the end of its body.
        public var requestBodyTimeout: GoDuration
        /// A kept-alive connection with no request in progress is closed after this (the next header included).
        public var idleTimeout: GoDuration
        /// Open `watch=true` requests per user; one more gets 429 TooManyRequests.
        public var maxWatchesPerIdentity: Int

        public init(
            maxConnections: Int = 1000, handshakeTimeout: GoDuration = GoDuration(seconds: 10),
            requestHeaderTimeout: GoDuration = GoDuration(seconds: 10),
            requestBodyTimeout: GoDuration = GoDuration(seconds: 30),
            idleTimeout: GoDuration = GoDuration(seconds: 90), maxWatchesPerIdentity: Int = 10
        ) {
            self.maxConnections = maxConnections
            self.handshakeTimeout = handshakeTimeout
            self.requestHeaderTimeout = requestHeaderTimeout
            self.requestBodyTimeout = requestBodyTimeout
            self.idleTimeout = idleTimeout
            self.maxWatchesPerIdentity = maxWatchesPerIdentity
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            let d = ConnectionPolicy()
            maxConnections = try c.decodeIfPresent(Int.self, forKey: .maxConnections) ?? d.maxConnections
            handshakeTimeout = try c.decodeIfPresent(GoDuration.self, forKey: .handshakeTimeout) ?? d.handshakeTimeout
            requestHeaderTimeout =
                try c.decodeIfPresent(GoDuration.self, forKey: .requestHeaderTimeout) ?? d.requestHeaderTimeout
            requestBodyTimeout =
                try c.decodeIfPresent(GoDuration.self, forKey: .requestBodyTimeout) ?? d.requestBodyTimeout
            idleTimeout = try c.decodeIfPresent(GoDuration.self, forKey: .idleTimeout) ?? d.idleTimeout
            maxWatchesPerIdentity =
                try c.decodeIfPresent(Int.self, forKey: .maxWatchesPerIdentity) ?? d.maxWatchesPerIdentity
            guard maxConnections >= 1, maxWatchesPerIdentity >= 1 else {
                throw PKIError.policy(
                    field: "server.connections", problem: "maxConnections and maxWatchesPerIdentity must be at least 1")
            }
            for (name, value) in [
                ("handshakeTimeout", handshakeTimeout), ("requestHeaderTimeout", requestHeaderTimeout),
                ("requestBodyTimeout", requestBodyTimeout), ("idleTimeout", idleTimeout),
            ] where value.seconds < 0.1 {
                throw PKIError.policy(field: "server.connections.\(name)", problem: "must be at least 100ms")
            }
        }
    }
}

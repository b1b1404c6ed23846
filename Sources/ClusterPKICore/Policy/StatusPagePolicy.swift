import Foundation

extension ServerPolicy {
    /// The read-only status page `/ui/` of `clusterpki serve`: always open to client certificates in
    /// ``ServerPolicy/adminOrganizations``; optionally to a browser on this machine without one.
    public struct StatusPagePolicy: Sendable, Codable, Hashable {
        /// Serve the page to requests from a loopback address that present no client certificate. Off by default:
        /// anyone with a shell on the node could read it (it never shows a secret, but it shows the whole PKI).
        public var localhostWithoutCertificate: Bool

        public init(localhostWithoutCertificate: Bool = false) {
            self.localhostWithoutCertificate = localhostWithoutCertificate
        }

        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            localhostWithoutCertificate =
                try c.decodeIfPresent(Bool.self, forKey: .localhostWithoutCertificate) ?? false
        }
    }
}

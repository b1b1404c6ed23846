import ClusterPKIAPI
import ClusterPKICore
import Foundation

/// Who may read `/ui/`: a client certificate in the policy's admin organizations, and, only when the policy's
/// `server.statusPage.localhostWithoutCertificate` says so, a request from a loopback address with no credential.
struct StatusPageAccess: Sendable {
    let adminOrganizations: [String]
    let localhostWithoutCertificate: Bool

    /// Throws 403 (anonymous and others alike: the page exists, this requester may not read it).
    func authorize(_ identity: Identity, client: String) throws {
        if identity.isCertificate(inAny: adminOrganizations) { return }
        if localhostWithoutCertificate, identity.isAnonymous, Self.isLoopback(client) { return }
        throw KubernetesStatus.forbidden(
            user: identity.username, verb: "get", resource: "ui", group: APIPaths.clusterPKIGroup)
    }

    /// 127.0.0.0/8 and ::1 (also as an IPv4-mapped address).
    static func isLoopback(_ address: String) -> Bool {
        let text = address.hasPrefix("::ffff:") ? String(address.dropFirst("::ffff:".count)) : address
        guard let ip = IPAddress(text) else { return false }
        if ip.octets.count == 4 { return ip.octets[0] == 127 }
        return ip.octets == Array(repeating: 0, count: 15) + [1]
    }
}

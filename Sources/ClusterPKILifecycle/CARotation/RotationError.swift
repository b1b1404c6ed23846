import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

/// Failures of phased rotations; each message says what to do next.
public enum RotationError: Error, Equatable, Sendable, CustomStringConvertible, LocalizedError {
    case missingServiceAccountKey(path: String)
    case signingKeyNotFirstInBundle(keyPath: String, bundlePath: String)
    case unknownAuthority(String, known: [String])
    case missingAuthorityKey(name: String, path: String)
    case bundleWithoutNextAuthority(path: String)
    case notPrepared(name: String)
    case switchIncomplete(failures: [String])
    case notSwitched(name: String)
    case finishRefused(name: String, leaves: [String])
    case finishWaitsForNodes(nodes: [NodeCredential])

    /// A node whose only live client certificates were issued before the switch.
    public struct NodeCredential: Equatable, Sendable {
        public var commonName: String
        public var serials: [String]
        public init(commonName: String, serials: [String]) {
            self.commonName = commonName
            self.serials = serials
        }
    }

    public var description: String {
        switch self {
        case .missingServiceAccountKey(let path):
            return
                "the service-account key \(path) does not exist; run `clusterpki certs generate sa` first (or copy sa.key and sa.pub from the first control-plane node)"
        case .signingKeyNotFirstInBundle(let keyPath, let bundlePath):
            return
                "\(bundlePath) does not start with the public key of \(keyPath), so the files were changed outside clusterpki; restore both from the same backup (or copy them from another control-plane node) and run the phase again"
        case .unknownAuthority(let name, let known):
            return "\(name) is not a CA of this cluster that can rotate; use one of \(known.joined(separator: ", "))"
        case .missingAuthorityKey(let name, let path):
            return
                "the \(name) key \(path) is missing (external CA), so clusterpki cannot rotate it; rotate it with the external CA"
        case .bundleWithoutNextAuthority(let path):
            return
                "\(path) holds several certificates but not the next CA clusterpki prepared; restore it from a backup (or copy it from another control-plane node) and run the phase again"
        case .notPrepared(let name):
            return "the next \(name) does not exist; run `clusterpki ca rotate \(name) --phase prepare` first"
        case .switchIncomplete(let failures):
            return
                "the next CA signs now, but these could not be re-issued: \(failures.joined(separator: "; ")); fix them and run --phase switch again"
        case .notSwitched(let name):
            return "the new \(name) does not sign yet; run `clusterpki ca rotate \(name) --phase switch` first"
        case .finishRefused(let name, let leaves):
            return
                "refusing to drop the previous \(name): \(leaves.joined(separator: ", ")) still chain only to it; run --phase switch again (for kubelet.conf, run `clusterpki kubelet renew` on this node while clusterpki serve runs), then finish"
        case .finishWaitsForNodes(let nodes):
            let list = nodes.map { "\($0.commonName) (serial \($0.serials.joined(separator: ", ")))" }.joined(
                separator: "; ")
            return
                "refusing to drop the previous ca: these nodes hold only client certificates issued before the switch, which would stop working: \(list); run `clusterpki kubelet renew` on each of them while clusterpki serve runs, or, for a node that is gone, `clusterpki kubeconfig revoke --client-name <name>`; then run --phase finish again"
        }
    }

    public var errorDescription: String? { description }
}

import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKIStore
import Foundation

extension CredentialRevocation.Target {
    /// The target `kubeconfig revoke` names: a serial or a client name. Nil unless exactly one is given; a blank
    /// client name fails with ``KubeconfigError/emptyClientName``.
    public init?(serial: String?, clientName: String?) throws {
        guard (serial == nil) != (clientName == nil) else { return nil }
        if let clientName {
            guard !clientName.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw KubeconfigError.emptyClientName
            }
            self = .clientName(clientName)
        } else if let serial {
            self = .serial(serial)
        } else {
            return nil
        }
    }
}

import ClusterPKIKubeconfig
import Foundation
import X509

/// `kubeconfig user`: the kubeconfig goes to stdout (to redirect into a file), everything else to stderr.
enum UserKubeconfigOutput {
    /// The minter's warnings, then which serial the ledger recorded (a token kubeconfig records none).
    static func stderrLines(_ result: UserKubeconfig, clientName: String) -> [String] {
        var lines = result.warnings
        if let certificate = result.certificate {
            lines.append(
                "[kubeconfig] Recorded credential serial \(certificate.serialHex) for \(clientName), valid until \(certificate.notValidAfter.formatted(.iso8601))"
            )
        }
        return lines
    }
}

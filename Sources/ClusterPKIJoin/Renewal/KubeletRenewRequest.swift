import Foundation

/// What `clusterpki kubelet renew` is asked to do on a node.
public struct KubeletRenewRequest: Sendable {
    /// Holds `kubelet.conf` (and, when present, `pki/ca.crt`, kept equal to kubelet.conf's CA data).
    public var kubernetesDir: URL
    /// The endpoint to ask; nil means kubelet.conf's `server`.
    public var server: String?
    public var timeout: TimeInterval = 60
    /// Renew even when the certificate is neither due nor signed by a CA other than the signing one.
    public var force = false
    /// Renew when less than this fraction of the certificate's lifetime is left (the kubelet rotates at 70-90 %).
    public var renewFraction = 1.0 / 3.0

    public init(kubernetesDir: URL) { self.kubernetesDir = kubernetesDir }
}

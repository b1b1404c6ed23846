import ClusterPKICore

extension JoinRequest {
    /// What is wrong with this combination of flags, before anything is contacted: the first problem, worded for the
    /// flag that fixes it, or nil.
    public var flagProblem: String? {
        if controlPlane && certificateKey == nil {
            return "--control-plane needs --certificate-key (printed by `clusterpki upload-certs`)"
        }
        if !controlPlane && certificateKey != nil { return "--certificate-key is only used with --control-plane" }
        if let ip = nodeIPs.first(where: { IPAddress($0) == nil }) { return "--node-ip \(ip) is not an IP address" }
        if let address = overrides.advertiseAddress, IPAddress(address) == nil {
            return "--apiserver-advertise-address \(address) is not an IP address"
        }
        return nil
    }
}

import ClusterPKIJoin

/// `kubelet renew`'s closing line.
enum KubeletOutput {
    static func done(_ outcome: KubeletRenewal.Outcome) -> String {
        "[kubelet] done: trust \(outcome.trustUpdated ? "updated" : "unchanged"), client certificate \(outcome.renewed ? "renewed" : "kept")"
    }
}

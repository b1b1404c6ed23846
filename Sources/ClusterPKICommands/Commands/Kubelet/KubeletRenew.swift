import ArgumentParser
import ClusterPKICore
import ClusterPKIJoin
import Foundation

/// `kubelet renew`: trust from cluster-info, then the client certificate when due (over HTTPS, no database).
struct KubeletRenew: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "renew",
        abstract:
            "Refresh kubelet.conf's CA bundle from cluster-info (verified with the current one), then renew the client certificate when it is due or not signed by the signing CA."
    )

    @Option(help: "The directory holding kubelet.conf (and pki/ca.crt, updated when present).")
    var kubernetesDir = "/etc/kubernetes"

    @Option(help: "The endpoint, host:port or https URL (default: kubelet.conf's server).")
    var server: String?

    @Option(help: "How long to keep retrying, as a Go duration.")
    var timeout = "1m"

    @Flag(help: "Renew the client certificate even when it is neither due nor signed by another CA.")
    var force = false

    func run() async throws {
        var request = KubeletRenewRequest(kubernetesDir: URL(fileURLWithPath: kubernetesDir))
        request.server = server
        request.force = force
        request.timeout = try GoDuration(parsing: timeout, field: "--timeout").seconds
        let outcome = try await KubeletRenewal(request).run { print($0) }
        print(KubeletOutput.done(outcome))
    }
}

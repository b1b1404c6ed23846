import ClusterPKICore
import Foundation

/// What `clusterpki serve` listens on and advertises: the flags, else what `clusterpki init` recorded for the
/// Kubernetes directory (``ServeEndpoint``), else serve's defaults. Never an address guessed from the host's
/// interfaces: listening on every address with nothing recorded needs `--advertise-url`.
public struct ServeAddresses: Sendable, Hashable {
    public var listenHost: String
    public var port: Int
    /// cluster-info's server and the endpoint of `clusterpki join`.
    public var advertiseURL: String
    /// The server of kubeconfigs serve mints (admin.conf's, as recorded); nil for a tree without a record.
    public var apiServerURL: String?
    /// Where the addresses come from, for the start-up line: `flags`, the record's path, or `defaults`.
    public var source: String

    /// Resolves `--listen` and `--advertise-url` (nil when not given) against `recorded` (read from `recordPath`).
    /// A recorded advertise URL is used only with the recorded listen address (a different `--listen` without
    /// `--advertise-url` advertises that address).
    /// ``resolve(listen:advertiseURL:recorded:recordPath:)`` with what `init` recorded in `kubernetesDir`.
    public static func resolve(listen: String?, advertiseURL: String?, kubernetesDir: URL) throws -> ServeAddresses {
        try resolve(
            listen: listen, advertiseURL: advertiseURL, recorded: try ServeEndpoint.load(kubernetesDir: kubernetesDir),
            recordPath: kubernetesDir.appendingPathComponent(ServeEndpoint.fileName).path)
    }

    public static func resolve(
        listen: String?, advertiseURL: String?, recorded: ServeEndpoint?, recordPath: String
    ) throws -> ServeAddresses {
        let listenText = listen ?? recorded?.listen ?? ServeEndpoint.defaultListen
        let (host, port) = try ServeEndpoint.hostPort(listenText, field: "--listen")
        let useRecord = recorded != nil && (listen == nil || listen == recorded?.listen)
        var advertise = advertiseURL ?? (useRecord ? recorded?.advertiseURL : nil)
        if advertise == nil {
            if let ip = IPAddress(host), ip.octets.allSatisfy({ $0 == 0 }) {
                throw ServeOptions.Problem(
                    description:
                        "--listen \(listenText) listens on every address, and nothing says which one joining nodes should use; pass --advertise-url https://<address>:\(port), or record it once with `clusterpki init --serve-advertise-url`"
                )
            }
            advertise = "https://" + ServeEndpoint.bracketed(host) + ":\(port)"
        }
        let source: String
        if listen == nil && advertiseURL == nil {
            source = recorded == nil ? "defaults" : "recorded by clusterpki init in \(recordPath)"
        } else {
            source = useRecord ? "flags and \(recordPath)" : "flags"
        }
        return ServeAddresses(
            listenHost: host, port: port, advertiseURL: advertise!, apiServerURL: recorded?.apiServerURL, source: source
        )
    }
}

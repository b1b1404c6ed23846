import ArgumentParser
import ClusterPKICore
import ClusterPKIEtcdStore
import ClusterPKIStore
import Foundation

/// How a command reaches an etcd state store: the key prefix, the files named like kubeadm's `etcd.external` fields
/// (`--ca-file`, `--cert-file`, `--key-file`; the endpoints come with `--store etcd://`) and a deadline.
struct EtcdFlags: ParsableArguments {
    /// `--store`'s help, shared by every command that has it.
    static let storeHelp: ArgumentHelp =
        "The state store: sqlite:PATH (what --db sets) or etcd://HOST:PORT[,HOST:PORT...] (etcd:// alone: the endpoints of --config's etcd section)."

    @Option(help: "The key prefix of the state store in etcd; never under the API server's /registry/.")
    var etcdPrefix = EtcdConfiguration.defaultPrefix

    @Option(help: "etcd: the CA of the members (default: etcd.external.caFile of --config, or <cert-dir>/etcd/ca.crt).")
    var caFile: String?

    @Option(
        help:
            "etcd: the client certificate (default: etcd.external.certFile, or <cert-dir>/clusterpki-etcd-client.crt).")
    var certFile: String?

    @Option(help: "etcd: the client key (default: etcd.external.keyFile, or <cert-dir>/clusterpki-etcd-client.key).")
    var keyFile: String?

    @Option(help: "How long one state-store operation may take before the command fails (etcd: across all endpoints).")
    var timeout = "10s"

    /// `--timeout` as a duration.
    func deadline() throws -> Duration {
        let seconds = try GoDuration(parsing: timeout, field: "--timeout").seconds
        guard seconds > 0 else { throw ValidationError("--timeout must be positive, e.g. 10s") }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// How to reach etcd for the cluster of `settings`: the endpoints of `--store` or of `--config`, the files of the
    /// flags, else of `etcd.external`, else this node's stacked-etcd client (`clusterpki-etcd-client`).
    func etcdConfiguration(endpoints given: [String], settings: ClusterSettings, policy: PKIPolicy?) throws
        -> EtcdConfiguration
    {
        let pki = PKIDirectory(settings.certificatesDir)
        var endpoints = given
        var files: (ca: String?, cert: String?, key: String?)
        if let external = settings.externalEtcd {
            if endpoints.isEmpty { endpoints = external.endpoints }
            files = (external.caFile, external.certFile, external.keyFile)
        } else {
            // kubeadm's stacked member serves its clients on the advertise address, port 2379.
            if endpoints.isEmpty { endpoints = ["\(settings.advertiseAddress):2379"] }
            let caBase = policy?.authority(named: "etcd-ca")?.baseName ?? "etcd/ca"
            let clientBase = policy?.orderedProfiles.first(where: \.requiresEtcdStore)?.baseName ?? Self.clientBaseName
            files = (pki.url(caBase, "crt").path, pki.url(clientBase, "crt").path, pki.url(clientBase, "key").path)
        }
        guard !endpoints.isEmpty else {
            throw ValidationError(
                "--store etcd:// names no endpoint and --config has no etcd.external.endpoints; write --store etcd://HOST:PORT"
            )
        }
        guard let ca = caFile ?? files.ca else {
            throw ValidationError("the etcd CA is unknown: pass --ca-file (kubeadm's etcd.external.caFile)")
        }
        return EtcdConfiguration(
            endpoints: endpoints, caFile: ca, certFile: certFile ?? files.cert, keyFile: keyFile ?? files.key,
            prefix: etcdPrefix, deadline: try deadline())
    }

    /// Where the store `selection` names is, for the cluster of `settings` (the key file is in its kubernetes dir).
    /// `givenKubernetesDir` is `--kubernetes-dir` when it was given: a SQLite database without it finds its key through
    /// its own record (``StateStoreLocation``); etcd's key is always the cluster directory's.
    func location(
        _ selection: StoreSelection, givenKubernetesDir: URL? = nil, settings: ClusterSettings, policy: PKIPolicy?
    ) throws -> StateStoreLocation {
        switch selection {
        case .sqlite(let path):
            return StateStoreLocation(db: path, kubernetesDir: givenKubernetesDir)
        case .etcd(let endpoints):
            var location = StateStoreLocation(db: "", kubernetesDir: givenKubernetesDir ?? settings.kubernetesDir)
            location.etcd = try etcdConfiguration(endpoints: endpoints, settings: settings, policy: policy)
            return location
        }
    }

    /// The base name of clusterpki's stacked-etcd client certificate.
    static let clientBaseName = "clusterpki-etcd-client"
}

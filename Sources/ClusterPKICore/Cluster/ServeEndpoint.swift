import Foundation

/// Where `clusterpki serve` listens, the URL it advertises to joining nodes, and the API server URL of the tree:
/// chosen once by `clusterpki init` and recorded in `<kubernetes-dir>/clusterpki-serve.yaml`, so that serve's
/// defaults, cluster-info, the kubeconfigs serve mints and the `clusterpki join` lines init prints all say the same.
public struct ServeEndpoint: Sendable, Hashable {
    /// The record's file name in the Kubernetes directory.
    public static let fileName = "clusterpki-serve.yaml"
    /// serve's listen address when nothing else is said.
    public static let defaultListen = "127.0.0.1:9443"
    static let apiVersion = "clusterpki.io/v1alpha1"
    static let kind = "ServeConfiguration"

    /// `host:port` serve listens on.
    public var listen: String
    /// `https://host:port` serve advertises: cluster-info's server, the endpoint of `clusterpki join`.
    public var advertiseURL: String
    /// `https://host:port` of the API server (admin.conf's server): the server of kubeconfigs serve mints.
    public var apiServerURL: String

    public init(listen: String, advertiseURL: String, apiServerURL: String) {
        self.listen = listen
        self.advertiseURL = advertiseURL
        self.apiServerURL = apiServerURL
    }

    /// init's choice: the flags, else `--config`'s ServeConfiguration, else serve's defaults. Without an advertise
    /// URL, serve advertises its listen address, or, listening on every address, the API server's advertise address
    /// (what init recorded, never an address guessed when serve starts).
    public static func choose(listen: String?, advertiseURL: String?, settings: ClusterSettings) throws -> ServeEndpoint
    {
        let listen = listen ?? settings.serveListen ?? defaultListen
        let (host, port) = try hostPort(listen, field: "--serve-listen")
        let advertiseURL = advertiseURL ?? settings.serveAdvertiseURL
        if let advertiseURL { try checkURL(advertiseURL, field: "--serve-advertise-url") }
        let advertisedHost: String
        if let ip = IPAddress(host), ip.octets.allSatisfy({ $0 == 0 }) {
            advertisedHost = try settings.validatedAdvertiseAddress().description
        } else {
            advertisedHost = host
        }
        return ServeEndpoint(
            listen: listen, advertiseURL: advertiseURL ?? "https://" + bracketed(advertisedHost) + ":\(port)",
            apiServerURL: try settings.controlPlaneURL())
    }

    /// `host:port` of ``advertiseURL``: the argument of `clusterpki join`.
    public var joinEndpoint: String {
        advertiseURL.hasPrefix("https://") ? String(advertiseURL.dropFirst("https://".count)) : advertiseURL
    }

    /// The record in `kubernetesDir`, or nil if init wrote none (a tree from an older clusterpki or from kubeadm).
    public static func load(kubernetesDir: URL) throws -> ServeEndpoint? {
        let url = kubernetesDir.appendingPathComponent(fileName)
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let problem = "remove it and run `clusterpki init` again, or fix its listen, advertiseURL and apiServerURL"
        let documents = try? YAMLInputGuard.loadDocuments(String(decoding: data, as: UTF8.self), path: url.path)
        guard documents?.count == 1, let map = documents?.first as? [String: Any],
            map["kind"] as? String == kind, let listen = map["listen"] as? String,
            let advertiseURL = map["advertiseURL"] as? String, let apiServerURL = map["apiServerURL"] as? String
        else { throw PKIError.config(path: url.path, problem: "not a \(kind) record; \(problem)") }
        _ = try hostPort(listen, field: url.path + " listen")
        try checkURL(advertiseURL, field: url.path + " advertiseURL")
        return ServeEndpoint(listen: listen, advertiseURL: advertiseURL, apiServerURL: apiServerURL)
    }

    /// Writes the record (0644) into `kubernetesDir`.
    public func write(kubernetesDir: URL) throws {
        let text = """
            # Written by `clusterpki init`: where `clusterpki serve` listens and what it advertises. serve uses these as
            # the defaults of --listen and --advertise-url; the join lines init prints, cluster-info and the kubeconfigs
            # serve mints use the same URLs. Edit it (or pass the flags) to move serve.
            apiVersion: \(Self.apiVersion)
            kind: \(Self.kind)
            listen: "\(listen)"
            advertiseURL: "\(advertiseURL)"
            apiServerURL: "\(apiServerURL)"

            """
        let url = kubernetesDir.appendingPathComponent(Self.fileName)
        do {
            try FileManager.default.createDirectory(at: kubernetesDir, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
        } catch {
            throw PKIError.fileSystem(path: url.path, detail: error.localizedDescription)
        }
    }

    /// Splits and checks `host:port`.
    public static func hostPort(_ value: String, field: String) throws -> (host: String, port: Int) {
        guard let (host, port) = try? ClusterSettings.splitHostPort(value), let port, !host.isEmpty else {
            throw PKIError.config(path: field, problem: "\(value) is not host:port, e.g. \(defaultListen)")
        }
        return (host, port)
    }

    /// Checks that `value` is an https:// URL with a host.
    public static func checkURL(_ value: String, field: String) throws {
        guard value.hasPrefix("https://"), URL(string: value)?.host != nil else {
            throw PKIError.config(path: field, problem: "\(value) is not an https:// URL, e.g. https://10.0.0.1:9443")
        }
    }

    /// `host`, with brackets when it is an IPv6 address (for a URL or host:port).
    public static func bracketed(_ host: String) -> String {
        IPAddress(host).map { $0.isIPv6 ? "[\($0)]" : $0.description } ?? host
    }
}

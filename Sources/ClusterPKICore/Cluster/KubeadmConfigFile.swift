import Foundation
import Yams

/// The PKI-relevant fields of a kubeadm `InitConfiguration`/`ClusterConfiguration` file (v1beta3, v1beta4).
public struct KubeadmConfigFile: Sendable {
    public private(set) var certificatesDir: String?
    public private(set) var clusterName: String?
    public private(set) var controlPlaneEndpoint: String?
    public private(set) var advertiseAddress: String?
    public private(set) var bindPort: Int?
    public private(set) var nodeName: String?
    public private(set) var serviceSubnet: String?
    public private(set) var dnsDomain: String?
    public private(set) var apiServerCertSANs: [String]?
    public private(set) var etcdServerCertSANs: [String]?
    public private(set) var etcdPeerCertSANs: [String]?
    public private(set) var externalEtcd: ExternalEtcd?
    public private(set) var encryptionAlgorithm: KeyAlgorithm?
    public private(set) var certificateValidity: GoDuration?
    public private(set) var caCertificateValidity: GoDuration?
    public private(set) var certificateKey: String?
    /// From a `clusterpki.io/v1alpha1` ServeConfiguration document: where `clusterpki serve` listens.
    public private(set) var serveListen: String?
    /// From a `clusterpki.io/v1alpha1` ServeConfiguration document: the URL `clusterpki serve` advertises.
    public private(set) var serveAdvertiseURL: String?
    /// Fields present in the file that clusterpki does not use (reported in one warning line).
    public private(set) var ignoredFields: [String] = []

    static let supportedAPIVersions = ["kubeadm.k8s.io/v1beta3", "kubeadm.k8s.io/v1beta4"]

    public init(contentsOf url: URL) throws {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw PKIError.config(
                path: url.path, problem: "cannot read it (\(error.localizedDescription)); check the --config path")
        }
        try self.init(yaml: text, path: url.path)
    }

    public init(yaml text: String, path: String = "config") throws {
        let documents = try YAMLInputGuard.loadDocuments(text, path: path)
        var parsed = Parser(path: path)
        for document in documents {
            guard let document else { continue }
            guard let map = document as? [String: Any] else {
                throw PKIError.config(
                    path: path, problem: "each YAML document must be a mapping with apiVersion and kind")
            }
            try parsed.read(map)
        }
        guard parsed.sawKubeadmDocument else {
            throw PKIError.config(path: path, problem: "no InitConfiguration or ClusterConfiguration document found")
        }
        self = parsed.result
    }

    /// Overlays the file's values on `settings` (flags applied afterwards win).
    public func apply(to settings: inout ClusterSettings) {
        if let certificatesDir { settings.certificatesDir = URL(fileURLWithPath: certificatesDir) }
        if let clusterName { settings.clusterName = clusterName }
        if let controlPlaneEndpoint { settings.controlPlaneEndpoint = controlPlaneEndpoint }
        if let advertiseAddress { settings.advertiseAddress = advertiseAddress }
        if let bindPort { settings.bindPort = bindPort }
        if let nodeName { settings.nodeName = nodeName }
        if let serviceSubnet { settings.serviceSubnet = serviceSubnet }
        if let dnsDomain { settings.dnsDomain = dnsDomain }
        if let apiServerCertSANs { settings.apiServerCertSANs = apiServerCertSANs }
        if let etcdServerCertSANs { settings.etcdServerCertSANs = etcdServerCertSANs }
        if let etcdPeerCertSANs { settings.etcdPeerCertSANs = etcdPeerCertSANs }
        if let externalEtcd { settings.externalEtcd = externalEtcd }
        if let encryptionAlgorithm { settings.encryptionAlgorithm = encryptionAlgorithm }
        if let certificateValidity { settings.certificateValidity = certificateValidity }
        if let caCertificateValidity { settings.caCertificateValidity = caCertificateValidity }
        if let serveListen { settings.serveListen = serveListen }
        if let serveAdvertiseURL { settings.serveAdvertiseURL = serveAdvertiseURL }
    }

    /// The single warning line for ignored fields, if any.
    public var warning: String? {
        ignoredFields.isEmpty
            ? nil
            : "[config] WARNING: ignoring fields clusterpki does not use: \(ignoredFields.joined(separator: ", "))"
    }

    private init(empty: Void) {}

    private struct Parser {
        let path: String
        var result = KubeadmConfigFile(empty: ())
        var sawKubeadmDocument = false

        mutating func read(_ map: [String: Any]) throws {
            let apiVersion = map["apiVersion"] as? String ?? ""
            let kind = map["kind"] as? String ?? ""
            if apiVersion == ServeEndpoint.apiVersion && kind == ServeEndpoint.kind {
                return try readServe(map)
            }
            guard apiVersion.hasPrefix("kubeadm.k8s.io/") else {
                result.ignoredFields.append(
                    "\(kind.isEmpty ? "document" : kind) (\(apiVersion.isEmpty ? "no apiVersion" : apiVersion))")
                return
            }
            guard KubeadmConfigFile.supportedAPIVersions.contains(apiVersion) else {
                throw PKIError.config(
                    path: path,
                    problem:
                        "apiVersion \(apiVersion) is not supported; migrate the file to kubeadm.k8s.io/v1beta4 (or v1beta3)"
                )
            }
            switch kind {
            case "InitConfiguration": try readInit(map)
            case "ClusterConfiguration": try readCluster(map)
            default:
                result.ignoredFields.append(kind.isEmpty ? "document without kind" : kind)
                return
            }
            sawKubeadmDocument = true
        }

        /// clusterpki's own document: where `clusterpki serve` listens and what it advertises.
        mutating func readServe(_ map: [String: Any]) throws {
            let path = self.path
            try walk(
                map, prefix: "",
                used: [
                    "listen": { r, v in r.serveListen = try Parser.string(path, v, "listen") },
                    "advertiseURL": { r, v in r.serveAdvertiseURL = try Parser.string(path, v, "advertiseURL") },
                ])
        }

        mutating func readInit(_ map: [String: Any]) throws {
            let path = self.path
            try walk(
                map, prefix: "",
                used: [
                    "localAPIEndpoint.advertiseAddress": { r, v in
                        r.advertiseAddress = try Parser.string(path, v, "localAPIEndpoint.advertiseAddress")
                    },
                    "localAPIEndpoint.bindPort": { r, v in
                        r.bindPort = try Parser.int(path, v, "localAPIEndpoint.bindPort")
                    },
                    "nodeRegistration.name": { r, v in r.nodeName = try Parser.string(path, v, "nodeRegistration.name")
                    },
                    "certificateKey": { r, v in r.certificateKey = try Parser.string(path, v, "certificateKey") },
                ])
        }

        mutating func readCluster(_ map: [String: Any]) throws {
            let path = self.path
            try walk(
                map, prefix: "",
                used: [
                    "certificatesDir": { r, v in r.certificatesDir = try Parser.string(path, v, "certificatesDir") },
                    "clusterName": { r, v in r.clusterName = try Parser.string(path, v, "clusterName") },
                    "controlPlaneEndpoint": { r, v in
                        r.controlPlaneEndpoint = try Parser.string(path, v, "controlPlaneEndpoint")
                    },
                    "networking.serviceSubnet": { r, v in
                        r.serviceSubnet = try Parser.string(path, v, "networking.serviceSubnet")
                    },
                    "networking.dnsDomain": { r, v in r.dnsDomain = try Parser.string(path, v, "networking.dnsDomain")
                    },
                    "apiServer.certSANs": { r, v in
                        r.apiServerCertSANs = try Parser.strings(path, v, "apiServer.certSANs")
                    },
                    "etcd.local.serverCertSANs": { r, v in
                        r.etcdServerCertSANs = try Parser.strings(path, v, "etcd.local.serverCertSANs")
                    },
                    "etcd.local.peerCertSANs": { r, v in
                        r.etcdPeerCertSANs = try Parser.strings(path, v, "etcd.local.peerCertSANs")
                    },
                    "etcd.external": { r, value in
                        guard let external = value as? [String: Any] else {
                            throw PKIError.config(path: path, problem: "etcd.external must be a mapping")
                        }
                        var etcd = ExternalEtcd()
                        etcd.endpoints =
                            try external["endpoints"].map { try Parser.strings(path, $0, "etcd.external.endpoints") }
                            ?? []
                        etcd.caFile = try external["caFile"].map { try Parser.string(path, $0, "etcd.external.caFile") }
                        etcd.certFile = try external["certFile"].map {
                            try Parser.string(path, $0, "etcd.external.certFile")
                        }
                        etcd.keyFile = try external["keyFile"].map {
                            try Parser.string(path, $0, "etcd.external.keyFile")
                        }
                        r.externalEtcd = etcd
                    },
                    "encryptionAlgorithm": { r, v in
                        r.encryptionAlgorithm = try KeyAlgorithm(
                            parsing: try Parser.string(path, v, "encryptionAlgorithm"))
                    },
                    "certificateValidityPeriod": { r, v in
                        r.certificateValidity = try GoDuration(
                            parsing: try Parser.string(path, v, "certificateValidityPeriod"),
                            field: "certificateValidityPeriod")
                    },
                    "caCertificateValidityPeriod": { r, v in
                        r.caCertificateValidity = try GoDuration(
                            parsing: try Parser.string(path, v, "caCertificateValidityPeriod"),
                            field: "caCertificateValidityPeriod")
                    },
                ])
        }

        /// Visits every leaf path; paths in `used` are handed over, the rest are recorded as ignored.
        mutating func walk(
            _ map: [String: Any], prefix: String, used: [String: (inout KubeadmConfigFile, Any) throws -> Void]
        ) throws {
            for key in map.keys.sorted() where !(prefix.isEmpty && (key == "apiVersion" || key == "kind")) {
                let path = prefix.isEmpty ? key : "\(prefix).\(key)"
                if let handler = used[path] {
                    try handler(&result, map[key]!)
                } else if let nested = map[key] as? [String: Any],
                    used.keys.contains(where: { $0.hasPrefix(path + ".") })
                {
                    try walk(nested, prefix: path, used: used)
                } else {
                    result.ignoredFields.append(path)
                }
            }
        }

        static func string(_ path: String, _ value: Any, _ field: String) throws -> String {
            if let text = value as? String { return text }
            if value is Int || value is Double { return "\(value)" }
            throw PKIError.config(path: path, problem: "\(field) must be a string")
        }

        static func int(_ path: String, _ value: Any, _ field: String) throws -> Int {
            if let number = value as? Int { return number }
            if let text = value as? String, let number = Int(text) { return number }
            throw PKIError.config(path: path, problem: "\(field) must be an integer")
        }

        static func strings(_ path: String, _ value: Any, _ field: String) throws -> [String] {
            guard let list = value as? [Any] else {
                throw PKIError.config(path: path, problem: "\(field) must be a list")
            }
            return try list.map { try string(path, $0, field) }
        }
    }
}

import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct KubeadmConfigFileTests {
    /// The seed guide's HA-etcd recipe config for one host (v1beta3, ClusterConfiguration only, extraArgs as a map).
    static func haEtcdV1beta3(host: String, name: String) -> String {
        """
        apiVersion: "kubeadm.k8s.io/v1beta3"
        kind: ClusterConfiguration
        etcd:
            local:
                serverCertSANs:
                - "\(host)"
                peerCertSANs:
                - "\(host)"
                extraArgs:
                    initial-cluster: infra0=https://127.0.0.1:2380,infra1=https://127.0.0.2:2380,infra2=https://127.0.0.3:2380
                    initial-cluster-state: new
                    name: \(name)
                    listen-peer-urls: https://\(host):2380
                    listen-client-urls: https://\(host):2379
                    advertise-client-urls: https://\(host):2379
                    initial-advertise-peer-urls: https://\(host):2380
        """
    }

    /// The same recipe as v1beta4 writes it: an InitConfiguration document plus extraArgs as a name/value list.
    static func haEtcdV1beta4(host: String, name: String) -> String {
        """
        ---
        apiVersion: "kubeadm.k8s.io/v1beta4"
        kind: InitConfiguration
        nodeRegistration:
            name: \(name)
        localAPIEndpoint:
            advertiseAddress: \(host)
        ---
        apiVersion: "kubeadm.k8s.io/v1beta4"
        kind: ClusterConfiguration
        etcd:
            local:
                serverCertSANs:
                - "\(host)"
                peerCertSANs:
                - "\(host)"
                extraArgs:
                - name: initial-cluster
                  value: infra0=https://127.0.0.1:2380,infra1=https://127.0.0.2:2380,infra2=https://127.0.0.3:2380
                - name: name
                  value: \(name)
        """
    }

    @Test func parsesSeedGuideV1beta3Config() throws {
        let config = try KubeadmConfigFile(yaml: Self.haEtcdV1beta3(host: "10.0.0.7", name: "infra1"))
        #expect(config.etcdServerCertSANs == ["10.0.0.7"])
        #expect(config.etcdPeerCertSANs == ["10.0.0.7"])
        #expect(config.externalEtcd == nil)
        #expect(config.nodeName == nil)
        #expect(config.ignoredFields == ["etcd.local.extraArgs"])
        #expect(config.warning == "[config] WARNING: ignoring fields clusterpki does not use: etcd.local.extraArgs")
    }

    @Test func parsesV1beta4MultiDocument() throws {
        let config = try KubeadmConfigFile(yaml: Self.haEtcdV1beta4(host: "10.0.0.8", name: "infra2"))
        #expect(config.nodeName == "infra2")
        #expect(config.advertiseAddress == "10.0.0.8")
        #expect(config.etcdServerCertSANs == ["10.0.0.8"])
        #expect(config.etcdPeerCertSANs == ["10.0.0.8"])
        #expect(config.ignoredFields == ["etcd.local.extraArgs"])
    }

    @Test func readsEveryPKIField() throws {
        let config = try KubeadmConfigFile(
            yaml: """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: InitConfiguration
                localAPIEndpoint:
                  advertiseAddress: "fd00::10"
                  bindPort: 8443
                nodeRegistration:
                  name: node-a
                  criSocket: unix:///run/containerd/containerd.sock
                bootstrapTokens:
                - token: abcdef.0123456789abcdef
                ---
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: ClusterConfiguration
                certificatesDir: /srv/pki
                clusterName: prod
                controlPlaneEndpoint: "lb.example.com:6443"
                kubernetesVersion: v1.31.0
                networking:
                  serviceSubnet: "fd00:10:96::/112"
                  dnsDomain: corp.local
                  podSubnet: 10.244.0.0/16
                apiServer:
                  certSANs: ["api.example.com", "192.168.0.1"]
                encryptionAlgorithm: ECDSA-P384
                certificateValidityPeriod: 720h
                caCertificateValidityPeriod: 43800h
                ---
                apiVersion: kubelet.config.k8s.io/v1beta1
                kind: KubeletConfiguration
                cgroupDriver: systemd
                """)
        var settings = TestSupport.settings(URL(fileURLWithPath: "/etc/kubernetes"))
        config.apply(to: &settings)
        #expect(settings.certificatesDir.path == "/srv/pki")
        #expect(settings.clusterName == "prod")
        #expect(settings.controlPlaneEndpoint == "lb.example.com:6443")
        #expect(settings.advertiseAddress == "fd00::10")
        #expect(settings.bindPort == 8443)
        #expect(settings.nodeName == "node-a")
        #expect(settings.serviceSubnet == "fd00:10:96::/112")
        #expect(settings.dnsDomain == "corp.local")
        #expect(settings.apiServerCertSANs == ["api.example.com", "192.168.0.1"])
        #expect(settings.encryptionAlgorithm == .ecdsaP384)
        #expect(settings.certificateValidity == GoDuration(seconds: 720 * TestSupport.hour))
        #expect(settings.caCertificateValidity == GoDuration(seconds: 43800 * TestSupport.hour))
        #expect(
            Set(config.ignoredFields) == [
                "nodeRegistration.criSocket", "bootstrapTokens", "kubernetesVersion", "networking.podSubnet",
                "KubeletConfiguration (kubelet.config.k8s.io/v1beta1)",
            ])
        let warning = try #require(config.warning)
        #expect(!warning.contains("\n"), "one warning line")
        #expect(warning.contains("kubernetesVersion") && warning.contains("networking.podSubnet"))
    }

    @Test func externalEtcdIsRead() throws {
        let config = try KubeadmConfigFile(
            yaml: """
                apiVersion: kubeadm.k8s.io/v1beta3
                kind: ClusterConfiguration
                etcd:
                  external:
                    endpoints: ["https://10.0.0.6:2379"]
                    caFile: /etc/etcd/ca.crt
                    certFile: /etc/etcd/client.crt
                    keyFile: /etc/etcd/client.key
                """)
        var settings = TestSupport.settings(URL(fileURLWithPath: "/etc/kubernetes"))
        config.apply(to: &settings)
        #expect(!settings.usesLocalEtcd)
        #expect(settings.externalEtcd?.endpoints == ["https://10.0.0.6:2379"])
        #expect(settings.externalEtcd?.caFile == "/etc/etcd/ca.crt")
    }

    @Test func noIgnoredFieldsMeansNoWarning() throws {
        let config = try KubeadmConfigFile(
            yaml: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nclusterName: x\n")
        #expect(config.warning == nil)
    }

    @Test(arguments: ["kubeadm.k8s.io/v1beta2", "kubeadm.k8s.io/v1beta1", "kubeadm.k8s.io/v1alpha3"])
    func oldAPIVersionsAreRejectedWithAMigrationHint(_ apiVersion: String) {
        let error = #expect(throws: PKIError.self) {
            try KubeadmConfigFile(yaml: "apiVersion: \(apiVersion)\nkind: ClusterConfiguration\n", path: "old.yaml")
        }
        guard case .config(let path, let problem)? = error else {
            Issue.record("expected PKIError.config, got \(String(describing: error))")
            return
        }
        #expect(path == "old.yaml")
        #expect(problem.contains(apiVersion) && problem.contains("v1beta4"))
    }

    @Test(arguments: [
        "key: [unclosed",
        "just a string",
        "- a\n- list\n",
        "apiVersion: v1\nkind: ConfigMap\n",
        "",
    ])
    func nonKubeadmConfigIsRejected(_ text: String) {
        let error = #expect(throws: PKIError.self) { try KubeadmConfigFile(yaml: text, path: "bad.yaml") }
        guard case .config(let path, _)? = error else {
            Issue.record("expected PKIError.config, got \(String(describing: error))")
            return
        }
        #expect(path == "bad.yaml")
    }

    @Test(arguments: [
        ("encryptionAlgorithm: RSA-1024", "RSA-1024"),
        ("certificateValidityPeriod: 1year", "certificateValidityPeriod"),
        ("apiServer:\n  certSANs: api.example.com", "apiServer.certSANs"),
    ])
    func invalidValuesAreRejected(_ line: String, _ mentioned: String) {
        let error = #expect(throws: PKIError.self) {
            try KubeadmConfigFile(
                yaml: "apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\n" + line + "\n")
        }
        #expect(error?.message.contains(mentioned) == true, "\(String(describing: error))")
    }

    @Test func missingConfigFileIsAClearError() {
        let error = #expect(throws: PKIError.self) {
            try KubeadmConfigFile(contentsOf: URL(fileURLWithPath: "/nonexistent/kubeadmcfg.yaml"))
        }
        #expect(error?.message.contains("--config") == true)
    }

    /// The seed guide's HA-etcd recipe: one etcd CA, then the four etcd leaves per host with that host's config.
    @Test func haEtcdRecipeForThreeHosts() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let hosts = [("127.0.0.1", "infra0"), ("127.0.0.2", "infra1"), ("127.0.0.3", "infra2")]
            let base = try CertsPhaseTests.context(root)
            try await CertsPhase(context: base).generate(["etcd-ca"])
            let pki = base.directory.root
            let caCertificate = try TestSupport.certificate(pki.appendingPathComponent("etcd/ca.crt"))
            let ca = CertificateAuthority(name: "etcd-ca", certificate: caCertificate, key: nil)
            for (host, name) in hosts {
                let config = try KubeadmConfigFile(yaml: Self.haEtcdV1beta4(host: host, name: name))
                let context = try CertsPhaseTests.context(root) { config.apply(to: &$0) }
                try await CertsPhase(context: context).generate([
                    "etcd-server", "etcd-peer", "etcd-healthcheck-client", "apiserver-etcd-client",
                ])
                for base in ["etcd/server", "etcd/peer"] {
                    let certificate = try TestSupport.certificate(pki.appendingPathComponent(base + ".crt"))
                    #expect(certificate.commonName == name)
                    #expect(certificate.dnsSANs == [name, "localhost"])
                    #expect(
                        certificate.ipSANs
                            == [host, "127.0.0.1", "::1"].reduce(into: [String]()) {
                                if !$0.contains($1) { $0.append($1) }
                            })
                    #expect(ca.issued(certificate))
                }
                // Clean up the non-reusable certificates, as the recipe's `find ... -delete` does.
                for file in ["etcd/server", "etcd/peer", "etcd/healthcheck-client", "apiserver-etcd-client"] {
                    for suffix in ["crt", "key"] {
                        try FileManager.default.removeItem(at: pki.appendingPathComponent("\(file).\(suffix)"))
                    }
                }
            }
            #expect(try TestSupport.certificate(pki.appendingPathComponent("etcd/ca.crt")) == caCertificate)
        }
    }
}

@Suite struct ClusterSettingsTests {
    @Test(arguments: [
        ("lb.example.com:6443", "lb.example.com", 6443 as Int?),
        ("lb.example.com", "lb.example.com", nil),
        ("10.0.0.1:443", "10.0.0.1", 443),
        ("10.0.0.1", "10.0.0.1", nil),
        ("[fd00::1]:6443", "fd00::1", 6443),
        ("[fd00::1]", "fd00::1", nil),
        ("fd00::1", "fd00::1", nil),
    ])
    func splitsHostAndPort(_ endpoint: String, _ host: String, _ port: Int?) throws {
        let split = try ClusterSettings.splitHostPort(endpoint)
        #expect(split.host == host)
        #expect(split.port == port)
    }

    @Test(arguments: [
        (nil as String?, "10.0.0.10", "https://10.0.0.10:6443"),
        ("lb.example.com", "10.0.0.10", "https://lb.example.com:6443"),
        ("lb.example.com:443", "10.0.0.10", "https://lb.example.com:443"),
        ("[fd00::1]:6443", "10.0.0.10", "https://[fd00::1]:6443"),
        ("fd00::1", "10.0.0.10", "https://[fd00::1]:6443"),
        (nil, "fd00::10", "https://[fd00::10]:6443"),
    ])
    func controlPlaneURL(_ endpoint: String?, _ advertise: String, _ expected: String) throws {
        var settings = TestSupport.settings(URL(fileURLWithPath: "/etc/kubernetes"))
        settings.controlPlaneEndpoint = endpoint
        settings.advertiseAddress = advertise
        #expect(try settings.controlPlaneURL() == expected)
    }

    @Test func certificatesDirDefaultsToPKIUnderKubernetesDir() {
        let settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/tmp/k8s"))
        #expect(settings.certificatesDir.path == "/tmp/k8s/pki")
        #expect(settings.serviceSubnet == "10.96.0.0/12")
        #expect(settings.dnsDomain == "cluster.local")
        #expect(settings.clusterName == "kubernetes")
        #expect(settings.usesLocalEtcd)
    }
}

@Suite struct IPAddressTests {
    @Test(arguments: [
        ("10.96.0.0/12", 1, "10.96.0.1"),
        ("fd00:10:96::/112", 1, "fd00:10:96::1"),
        ("fd00::/108", 1, "fd00::1"),
        ("10.0.0.0/24", 255, "10.0.0.255"),
        ("10.0.0.0/16", 256, "10.0.1.0"),
        ("192.168.1.77/24", 1, "192.168.1.1"),
    ])
    func indexedAddressInCIDR(_ cidr: String, _ index: Int, _ expected: String) throws {
        #expect(try CIDR(parsing: cidr).address(at: index).description == expected)
    }

    @Test(arguments: [("10.0.0.0/32", 1), ("10.0.0.0/24", 256)])
    func indexOutsideTheRangeIsAnError(_ cidr: String, _ index: Int) throws {
        #expect(throws: PKIError.self) { try CIDR(parsing: cidr).address(at: index) }
    }

    @Test(arguments: [("10.0.0.1", 4), ("fd00::1", 16), ("::ffff:10.0.0.1", 4), ("::1", 16)])
    func parsesToOctets(_ text: String, _ count: Int) throws {
        #expect(try #require(IPAddress(text)).octets.count == count)
    }

    @Test(arguments: ["", "10.0.0", "10.0.0.256", "fe80::1%eth0", "lb.example.com", "1:2:3:4:5:6:7:8:9"])
    func rejectsNonAddresses(_ text: String) {
        #expect(IPAddress(text) == nil)
    }

    @Test func ipv6DescriptionIsCanonical() {
        #expect(IPAddress("FD00:0000:0000::0001")?.description == "fd00::1")
        #expect(IPAddress("fd00::1")?.hostPort(6443) == "[fd00::1]:6443")
        #expect(IPAddress("10.0.0.1")?.hostPort(6443) == "10.0.0.1:6443")
    }
}

import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@Suite struct SubjectAltNamesTests {
    static func settings(_ change: (inout ClusterSettings) -> Void = { _ in }) -> ClusterSettings {
        var settings = TestSupport.settings(URL(fileURLWithPath: "/nonexistent/k8s"))
        change(&settings)
        return settings
    }

    static let defaultDNS = [
        "cp-1", "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
    ]

    @Test func defaultAPIServerNamesInKubeadmOrder() throws {
        let sans = try SubjectAltNames.apiServer(Self.settings(), baseName: "apiserver")
        #expect(sans.dnsNames == Self.defaultDNS)
        #expect(sans.ipAddresses.map(\.description) == ["10.96.0.1", "10.0.0.10"])
        #expect(sans.warnings.isEmpty)
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let change: @Sendable (inout ClusterSettings) -> Void
        let dns: [String]
        let ips: [String]
        var testDescription: String { label }
    }

    static let apiServerCases: [Case] = [
        Case(
            label: "IPv6 advertise address and IPv6 service CIDR",
            change: {
                $0.advertiseAddress = "fd00::10"; $0.serviceSubnet = "fd00:10:96::/112"
            },
            dns: defaultDNS, ips: ["fd00:10:96::1", "fd00::10"]),
        Case(
            label: "dual-stack service subnet uses only the first CIDR",
            change: { $0.serviceSubnet = "10.96.0.0/12,fd00::/108" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "IPv6-first dual-stack service subnet",
            change: { $0.serviceSubnet = "fd00::/108,10.96.0.0/12" },
            dns: defaultDNS, ips: ["fd00::1", "10.0.0.10"]),
        Case(
            label: "service subnet with host bits set",
            change: { $0.serviceSubnet = "10.100.7.9/16" },
            dns: defaultDNS, ips: ["10.100.0.1", "10.0.0.10"]),
        Case(
            label: "custom DNS domain",
            change: { $0.dnsDomain = "example.org" },
            dns: [
                "cp-1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.example.org",
            ],
            ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "node name sorts among the DNS names",
            change: { $0.nodeName = "zz-node" },
            dns: [
                "kubernetes", "kubernetes.default", "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
                "zz-node",
            ],
            ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "control-plane endpoint DNS name with port",
            change: { $0.controlPlaneEndpoint = "lb.example.com:6443" },
            dns: [
                "cp-1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local", "lb.example.com",
            ],
            ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "control-plane endpoint DNS name without port",
            change: { $0.controlPlaneEndpoint = "api.example.com" },
            dns: [
                "api.example.com", "cp-1", "kubernetes", "kubernetes.default", "kubernetes.default.svc",
                "kubernetes.default.svc.cluster.local",
            ],
            ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "control-plane endpoint IPv4 with port",
            change: { $0.controlPlaneEndpoint = "192.168.0.100:6443" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10", "192.168.0.100"]),
        Case(
            label: "control-plane endpoint IPv4 without port",
            change: { $0.controlPlaneEndpoint = "192.168.0.100" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10", "192.168.0.100"]),
        Case(
            label: "control-plane endpoint [v6]:port",
            change: { $0.controlPlaneEndpoint = "[fd00::100]:6443" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10", "fd00::100"]),
        Case(
            label: "control-plane endpoint bare IPv6",
            change: { $0.controlPlaneEndpoint = "fd00::100" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10", "fd00::100"]),
        Case(
            label: "control-plane endpoint equal to the advertise address is not repeated",
            change: { $0.controlPlaneEndpoint = "10.0.0.10:6443" },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10"]),
        Case(
            label: "extra SANs: duplicates removed, DNS sorted, IPs in first-occurrence order",
            change: {
                $0.apiServerCertSANs = [
                    "10.96.0.1", "cp-1", "b.example.com", "a.example.com", "a.example.com",
                    "*.apps.example.com", "fd00::1", "172.16.0.1", "fd00::1", "kubernetes",
                ]
            },
            dns: [
                "*.apps.example.com", "a.example.com", "b.example.com", "cp-1", "kubernetes", "kubernetes.default",
                "kubernetes.default.svc", "kubernetes.default.svc.cluster.local",
            ],
            ips: ["10.96.0.1", "10.0.0.10", "fd00::1", "172.16.0.1"]),
        Case(
            label: "IPv4-mapped IPv6 SAN is the same address as its IPv4 form",
            change: { $0.apiServerCertSANs = ["::ffff:10.0.0.10"] },
            dns: defaultDNS, ips: ["10.96.0.1", "10.0.0.10"]),
    ]

    @Test(arguments: apiServerCases)
    func apiServerNames(_ testCase: Case) throws {
        let sans = try SubjectAltNames.apiServer(Self.settings(testCase.change), baseName: "apiserver")
        #expect(sans.dnsNames == testCase.dns)
        #expect(sans.ipAddresses.map(\.description) == testCase.ips)
        #expect(sans.warnings.isEmpty)
    }

    @Test(arguments: [
        "not_valid!", "Upper.Example.com", "-leading.example.com", "trailing-.example.com", "a..b", "*.*.example.com",
        "fe80::1%eth0",
    ])
    func invalidExtraSANIsWarnedAndSkipped(_ value: String) throws {
        let sans = try SubjectAltNames.apiServer(
            Self.settings { $0.apiServerCertSANs = ["ok.example.com", value] }, baseName: "apiserver")
        #expect(
            sans.warnings == [
                "[certificates] WARNING: '\(value)' was not added to the 'apiserver' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry"
            ])
        #expect(!sans.dnsNames.contains(value))
        #expect(sans.dnsNames.contains("ok.example.com"))
        #expect(sans.ipAddresses.map(\.description) == ["10.96.0.1", "10.0.0.10"])
    }

    @Test func etcdNamesIncludeNodeLoopbackAndExtras() throws {
        let settings = Self.settings()
        let sans = try SubjectAltNames.etcd(
            settings, extra: ["10.0.0.6", "infra0.example.com", "bad_name", "127.0.0.1", "localhost"],
            baseName: "etcd/server")
        #expect(sans.dnsNames == ["cp-1", "infra0.example.com", "localhost"])
        #expect(sans.ipAddresses.map(\.description) == ["10.0.0.10", "127.0.0.1", "::1", "10.0.0.6"])
        #expect(
            sans.warnings == [
                "[certificates] WARNING: 'bad_name' was not added to the 'etcd/server' SAN, because it is not a valid IP or RFC-1123 compliant DNS entry"
            ])
    }

    @Test func etcdNamesWithIPv6AdvertiseAddress() throws {
        let sans = try SubjectAltNames.etcd(
            Self.settings { $0.advertiseAddress = "fd00::6" }, extra: [], baseName: "etcd/peer")
        #expect(sans.dnsNames == ["cp-1", "localhost"])
        #expect(sans.ipAddresses.map(\.description) == ["fd00::6", "127.0.0.1", "::1"])
    }

    @Test func invalidAdvertiseAddressIsAnError() {
        let settings = Self.settings { $0.advertiseAddress = "10.0.0.300" }
        #expect(throws: PKIError.invalidAdvertiseAddress("10.0.0.300")) {
            try SubjectAltNames.apiServer(settings, baseName: "apiserver")
        }
        #expect(throws: PKIError.invalidAdvertiseAddress("10.0.0.300")) {
            try SubjectAltNames.etcd(settings, extra: [], baseName: "etcd/server")
        }
    }

    @Test(arguments: ["10.96.0.0", "10.96.0.0/33", "abc/12", "fd00::/129", "", "10.96.0.0/-1"])
    func invalidServiceSubnetIsAnError(_ subnet: String) {
        let settings = Self.settings { $0.serviceSubnet = subnet }
        #expect(throws: PKIError.self) { try SubjectAltNames.apiServer(settings, baseName: "apiserver") }
    }

    @Test(arguments: [
        "lb.example.com:notaport", "lb.example.com:0", "lb.example.com:65536", "a:b:c", "[fd00::1", "[fd00::1]x",
        ":6443",
    ])
    func malformedControlPlaneEndpointIsAnError(_ endpoint: String) {
        let settings = Self.settings { $0.controlPlaneEndpoint = endpoint }
        #expect(throws: PKIError.invalidControlPlaneEndpoint(endpoint)) {
            try SubjectAltNames.apiServer(settings, baseName: "apiserver")
        }
    }

    /// kubeadm's `ParseHostPort` (cmd/kubeadm/app/util/endpoint.go) also requires the host to be an IP or a
    /// DNS-1123 subdomain; otherwise `--control-plane-endpoint` is rejected before any certificate is made.
    @Test(arguments: ["lb_1.example.com:6443", "LB.Example.com:6443", "bad host:6443"])
    func controlPlaneEndpointHostMustBeIPOrDNSName(_ endpoint: String) {
        let settings = Self.settings { $0.controlPlaneEndpoint = endpoint }
        #expect(throws: PKIError.invalidControlPlaneEndpoint(endpoint)) {
            try SubjectAltNames.apiServer(settings, baseName: "apiserver")
        }
    }

    /// Spec 1.3: a SAN is classified "IP (lenient parse)" first; Go's ParseIPSloppy accepts leading zeros in IPv4.
    @Test func leadingZeroIPv4SANIsAnIPLikeKubeadm() throws {
        let sans = try SubjectAltNames.apiServer(
            Self.settings { $0.apiServerCertSANs = ["010.001.002.003"] }, baseName: "apiserver")
        #expect(sans.ipAddresses.map(\.description).contains("10.1.2.3"))
        #expect(!sans.dnsNames.contains("010.001.002.003"))
    }

    // MARK: covers

    @Test(arguments: [
        (["kubernetes"], "kubernetes", true),
        (["Kubernetes.Default"], "kubernetes.default", true),
        (["*.example.com"], "api.example.com", true),
        (["*.example.com"], "a.b.example.com", false),
        (["*.example.com"], "example.com", false),
        (["api.example.com"], "other.example.com", false),
        ([String](), "kubernetes", false),
    ])
    func coversMatchesLikeVerifyHostname(_ names: [String], _ name: String, _ expected: Bool) {
        #expect(SubjectAltNames.covers(names, name: name) == expected)
    }

    @Test func initializerDeduplicatesAndSorts() {
        let sans = SubjectAltNames(
            dnsNames: ["b", "a", "b"],
            ipAddresses: [IPAddress("10.0.0.2")!, IPAddress("10.0.0.1")!, IPAddress("10.0.0.2")!])
        #expect(sans.dnsNames == ["a", "b"])
        #expect(sans.ipAddresses.map(\.description) == ["10.0.0.2", "10.0.0.1"])
    }
}

/// RFC 1123 subdomains as Kubernetes' `IsDNS1123Subdomain`: lowercase ASCII letters, digits and inner hyphens.
@Suite struct DNS1123SubdomainTests {
    @Test(arguments: [
        "a", "example.com", "kube-apiserver.kube-system.svc.cluster.local", "0-9.a-z",
        String(repeating: "a", count: 63) + ".b",
        // 253 bytes, the most a name may have.
        String(repeating: "a", count: 63) + "." + String(repeating: "b", count: 63) + "."
            + String(repeating: "c", count: 63) + "." + String(repeating: "d", count: 61),
    ])
    func accepts(_ name: String) {
        #expect(SubjectAltNames.isDNS1123Subdomain(name))
    }

    @Test(arguments: [
        "", ".", "a.", ".a", "a..b", "-a", "a-", "a.-b", "Example.com", "a_b", "a b", "caf\u{e9}.com",
        // A decomposed letter: an ASCII "e" followed by a combining accent.
        "cafe\u{301}.com", String(repeating: "a", count: 64), String(repeating: "a.", count: 127) + "a",
    ])
    func refuses(_ name: String) {
        #expect(!SubjectAltNames.isDNS1123Subdomain(name))
    }
}

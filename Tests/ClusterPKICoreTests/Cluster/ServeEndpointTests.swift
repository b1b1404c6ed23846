import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

/// What init records for `clusterpki serve`, and how it is read back.
@Suite struct ServeEndpointTests {
    static func settings(advertise: String = "192.0.2.2", endpoint: String? = nil) -> ClusterSettings {
        var settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/k"))
        settings.advertiseAddress = advertise
        settings.controlPlaneEndpoint = endpoint
        return settings
    }

    /// With nothing said, serve's own default: 127.0.0.1:9443, advertised as itself, and the API server separately.
    @Test func defaultsAreServesOwn() throws {
        let endpoint = try ServeEndpoint.choose(listen: nil, advertiseURL: nil, settings: Self.settings())
        #expect(
            endpoint
                == ServeEndpoint(
                    listen: "127.0.0.1:9443", advertiseURL: "https://127.0.0.1:9443",
                    apiServerURL: "https://192.0.2.2:6443"))
        #expect(endpoint.joinEndpoint == "127.0.0.1:9443")
    }

    /// Listening on every address advertises the API server's advertise address (recorded now, not guessed later).
    @Test(arguments: [("0.0.0.0:9443", "https://192.0.2.2:9443"), ("[::]:9000", "https://192.0.2.2:9000")])
    func wildcardAdvertisesTheAdvertiseAddress(_ listen: String, _ expected: String) throws {
        #expect(
            try ServeEndpoint.choose(listen: listen, advertiseURL: nil, settings: Self.settings()).advertiseURL
                == expected)
    }

    @Test func flagsWinOverConfig() throws {
        var settings = Self.settings(endpoint: "lb.example.com:6443")
        settings.serveListen = "10.0.0.1:9443"
        settings.serveAdvertiseURL = "https://pki.example.com:9443"
        let fromConfig = try ServeEndpoint.choose(listen: nil, advertiseURL: nil, settings: settings)
        #expect(fromConfig.listen == "10.0.0.1:9443" && fromConfig.advertiseURL == "https://pki.example.com:9443")
        #expect(fromConfig.apiServerURL == "https://lb.example.com:6443")
        let fromFlags = try ServeEndpoint.choose(
            listen: "10.0.0.2:9999", advertiseURL: "https://10.0.0.2:9999", settings: settings)
        #expect(fromFlags.listen == "10.0.0.2:9999" && fromFlags.advertiseURL == "https://10.0.0.2:9999")
    }

    @Test(arguments: [("nonsense", nil), ("127.0.0.1:9443", "http://x:1")] as [(String, String?)])
    func invalidValuesNameTheFlag(_ listen: String, _ advertise: String?) {
        let error = #expect(throws: PKIError.self) {
            try ServeEndpoint.choose(listen: listen, advertiseURL: advertise, settings: Self.settings())
        }
        #expect(error?.message.contains(advertise == nil ? "--serve-listen" : "--serve-advertise-url") == true)
    }

    @Test func recordRoundTripsAndIsAbsentForAnOlderTree() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        #expect(try ServeEndpoint.load(kubernetesDir: directory.url) == nil)
        let endpoint = ServeEndpoint(
            listen: "[::]:9443", advertiseURL: "https://[fd00::1]:9443", apiServerURL: "https://127.0.0.1:6443")
        try endpoint.write(kubernetesDir: directory.url)
        #expect(try ServeEndpoint.load(kubernetesDir: directory.url) == endpoint)
        let mode =
            try FileManager.default.attributesOfItem(atPath: directory.path(ServeEndpoint.fileName))[.posixPermissions]
            as? Int
        #expect(mode == 0o644)
    }

    @Test func brokenRecordIsAnErrorNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try "kind: Something\n".write(toFile: directory.path(ServeEndpoint.fileName), atomically: true, encoding: .utf8)
        let error = #expect(throws: PKIError.self) { try ServeEndpoint.load(kubernetesDir: directory.url) }
        #expect(error?.message.contains(directory.path(ServeEndpoint.fileName)) == true)
    }

    /// `--config` may carry a clusterpki ServeConfiguration document beside kubeadm's.
    @Test func configFileCarriesServeConfiguration() throws {
        let file = try KubeadmConfigFile(
            yaml: """
                apiVersion: kubeadm.k8s.io/v1beta4
                kind: InitConfiguration
                localAPIEndpoint:
                  advertiseAddress: 10.0.0.5
                ---
                apiVersion: clusterpki.io/v1alpha1
                kind: ServeConfiguration
                listen: "0.0.0.0:9443"
                advertiseURL: https://pki.example.com:9443
                """)
        #expect(file.warning == nil)
        var settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/k"))
        file.apply(to: &settings)
        #expect(settings.serveListen == "0.0.0.0:9443")
        #expect(settings.serveAdvertiseURL == "https://pki.example.com:9443")
    }
}

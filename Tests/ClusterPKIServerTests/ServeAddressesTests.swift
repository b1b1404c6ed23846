import ClusterPKICore
import ClusterPKIServer
import Foundation
import Testing

/// serve's listen and advertise: the flags, else init's record, else its defaults; never a guessed address.
@Suite struct ServeAddressesTests {
    static let recorded = ServeEndpoint(
        listen: "0.0.0.0:9555", advertiseURL: "https://10.1.2.3:9555", apiServerURL: "https://10.1.2.3:6443")

    @Test func noFlagsUseTheRecord() throws {
        let addresses = try ServeAddresses.resolve(
            listen: nil, advertiseURL: nil, recorded: Self.recorded, recordPath: "/k/clusterpki-serve.yaml")
        #expect(addresses.listenHost == "0.0.0.0" && addresses.port == 9555)
        #expect(addresses.advertiseURL == "https://10.1.2.3:9555")
        #expect(addresses.apiServerURL == "https://10.1.2.3:6443")
        #expect(addresses.source == "recorded by clusterpki init in /k/clusterpki-serve.yaml")
    }

    @Test func noFlagsAndNoRecordUseServesDefault() throws {
        let addresses = try ServeAddresses.resolve(listen: nil, advertiseURL: nil, recorded: nil, recordPath: "/k/x")
        #expect(addresses.listenHost == "127.0.0.1" && addresses.port == 9443)
        #expect(addresses.advertiseURL == "https://127.0.0.1:9443")
        #expect(addresses.apiServerURL == nil)
        #expect(addresses.source == "defaults")
    }

    /// Another --listen advertises that address, not the record's.
    @Test func otherListenAdvertisesItself() throws {
        let addresses = try ServeAddresses.resolve(
            listen: "127.0.0.2:7000", advertiseURL: nil, recorded: Self.recorded, recordPath: "/k/x")
        #expect(addresses.advertiseURL == "https://127.0.0.2:7000")
        #expect(addresses.source == "flags")
    }

    @Test func advertiseFlagWins() throws {
        let addresses = try ServeAddresses.resolve(
            listen: nil, advertiseURL: "https://pki.example.com:9555", recorded: Self.recorded, recordPath: "/k/x")
        #expect(addresses.advertiseURL == "https://pki.example.com:9555")
        #expect(addresses.listenHost == "0.0.0.0")
    }

    /// Every address and nothing recorded: an error naming --advertise-url, never the host's first interface.
    @Test(arguments: ["0.0.0.0:9443", "[::]:9443"])
    func wildcardWithoutRecordNeedsAdvertiseURL(_ listen: String) {
        let error = #expect(throws: ServeOptions.Problem.self) {
            try ServeAddresses.resolve(listen: listen, advertiseURL: nil, recorded: nil, recordPath: "/k/x")
        }
        #expect(error?.description.contains("--advertise-url") == true)
    }
}

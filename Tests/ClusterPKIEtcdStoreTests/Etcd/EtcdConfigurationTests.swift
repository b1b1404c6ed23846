import ClusterPKIEtcdStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// Endpoint parsing, prefix ranges and configuration checks, without a server.
@Suite struct EtcdConfigurationTests {
    /// Any PEM certificate will do as the CA (nothing is dialled): a self-signed one, in a file removed afterwards.
    let caFile: String
    private let directory: TemporaryDirectory

    init() throws {
        directory = try TemporaryDirectory(prefix: "clusterpki-etcdtests")
        caFile = directory.path("ca.crt")
        try Data(Self.pem.utf8).write(to: URL(fileURLWithPath: caFile))
    }

    static let pem = """
        -----BEGIN CERTIFICATE-----
        MIIBkTCCATegAwIBAgIUTyfyAsUWJ85wDvrz6nkmpaApri4wCgYIKoZIzj0EAwIw
        HTEbMBkGA1UEAwwSY2x1c3RlcnBraS10ZXN0LWNhMCAXDTI2MTEzMDExMzQ0NFoY
        DzIxMjYxMTA2MTEzNDQ0WjAdMRswGQYDVQQDDBJjbHVzdGVycGtpLXRlc3QtY2Ew
        WTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATNGdJqKiqWHIlzfnQgc+xKRXeDF0oO
        ASYm1xd5kHFOGvE7tHjHJUTT/aMoCOKusa4djcUjbT76J55bcSnJZt/do1MwUTAd
        BgNVHQ4EFgQUkMRXpQAZv6f75OC6G8VbMJHWIZIwHwYDVR0jBBgwFoAUkMRXpQAZ
        v6f75OC6G8VbMJHWIZIwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBF
        AiEA/OYEBOHIVupDrwqtavRPpG+d+5T18rIO9528e67KdPUCIBpaajri6ycNsRkN
        Fq0zDghWVCIJrZYO1q6bS72b+4Zd
        -----END CERTIFICATE-----
        """

    @Test(arguments: [
        "10.0.0.10:2379", "https://10.0.0.10:2379", "etcd-1.example:2379", "[fd00::1]:2379", "https://[::1]:2379/",
    ])
    func acceptsKubeadmEndpoints(_ endpoint: String) throws {
        defer { directory.remove() }
        let client = try EtcdClient(
            configuration: EtcdConfiguration(endpoints: [endpoint], caFile: caFile, certFile: nil, keyFile: nil))
        #expect(client.endpoints.count == 1)
    }

    @Test(arguments: [
        "10.0.0.10", "http://10.0.0.10:2379", "10.0.0.10:0", "10.0.0.10:99999", ":2379", "unix:///run/etcd.sock",
    ])
    func refusesOtherEndpoints(_ endpoint: String) {
        defer { directory.remove() }
        #expect(throws: StoreError.self) {
            try EtcdClient(
                configuration: EtcdConfiguration(endpoints: [endpoint], caFile: caFile, certFile: nil, keyFile: nil))
        }
    }

    @Test func refusesIncompleteConfigurations() {
        defer { directory.remove() }
        let cases: [(EtcdConfiguration, String)] = [
            (EtcdConfiguration(endpoints: [], caFile: caFile, certFile: nil, keyFile: nil), "no endpoint"),
            (
                EtcdConfiguration(endpoints: ["a:1"], caFile: "/nonexistent/ca.crt", certFile: nil, keyFile: nil),
                "cannot read"
            ),
            (
                EtcdConfiguration(endpoints: ["a:1"], caFile: "/etc/hostname", certFile: nil, keyFile: nil),
                "must be PEM files"
            ),
            (EtcdConfiguration(endpoints: ["a:1"], caFile: caFile, certFile: caFile, keyFile: nil), "needs its key"),
            (
                EtcdConfiguration(
                    endpoints: ["a:1"], caFile: caFile, certFile: nil, keyFile: nil, prefix: "/registry/"),
                "API server's"
            ),
            (
                EtcdConfiguration(endpoints: ["a:1"], caFile: caFile, certFile: nil, keyFile: nil, prefix: "/"),
                "must start and end"
            ),
            (
                EtcdConfiguration(endpoints: ["a:1"], caFile: caFile, certFile: nil, keyFile: nil, deadline: .zero),
                "deadline"
            ),
        ]
        for (configuration, message) in cases {
            do {
                _ = try EtcdClient(configuration: configuration)
                Issue.record("accepted: \(configuration)")
            } catch let error as StoreError {
                #expect(error.message.contains(message), "\(error.message)")
            } catch {
                Issue.record("unexpected \(error)")
            }
        }
    }

    @Test(arguments: [
        ("/clusterpki/tokens/", "/clusterpki/tokens0"), ("/clusterpki/", "/clusterpki0"), ("az", "a{"),
    ])
    func prefixRangesEndAfterTheLastKeyWithThePrefix(_ prefix: String, _ end: String) {
        defer { directory.remove() }
        #expect(EtcdKeys.rangeEnd(ofPrefix: Data(prefix.utf8)) == Data(end.utf8))
        #expect(EtcdKeys.rangeEnd(ofPrefix: Data([0x61, 0xff, 0xff])) == Data([0x62]))
    }
}

import ArgumentParser
import ClusterPKICore
import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// `--store`: which backend, and how etcd is reached (endpoints, files, prefix, deadline).
@Suite struct StoreSelectionTests {
    @Test(
        arguments: [
            (nil, StoreSelection.sqlite(path: "/var/lib/clusterpki/state.db")),
            ("sqlite:/tmp/x.db", .sqlite(path: "/tmp/x.db")),
            ("sqlite:///tmp/x.db", .sqlite(path: "/tmp/x.db")),
            ("etcd://10.0.0.1:2379", .etcd(endpoints: ["10.0.0.1:2379"])),
            (
                "etcd://10.0.0.1:2379,10.0.0.2:2379, 10.0.0.3:2379",
                .etcd(endpoints: ["10.0.0.1:2379", "10.0.0.2:2379", "10.0.0.3:2379"])
            ),
            ("etcd://", .etcd(endpoints: [])),
        ] as [(String?, StoreSelection)])
    func parses(_ text: String?, _ expected: StoreSelection) throws {
        #expect(try StoreSelection(parsing: text, db: "/var/lib/clusterpki/state.db") == expected)
    }

    @Test(arguments: ["postgres://x", "sqlite:", "/var/lib/state.db"])
    func refusesWhatIsNotAStore(_ text: String) {
        #expect(throws: ValidationError.self) { try StoreSelection(parsing: text, db: "x") }
    }

    @Test func dbIsTheShorthandOfSqlite() throws {
        let options = try StateOptions.parse(["--db", "/srv/state.db"])
        #expect(try options.selection() == .sqlite(path: "/srv/state.db"))
        let chosen = try StateOptions.parse(["--store", "sqlite:/other.db"])
        #expect(
            try chosen.location(
                try DirectoryOptions.parse([]), ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/k"))
            ).db == "/other.db")
        #expect(throws: (any Error).self) { try StateOptions.parse(["--store", "mysql:x"]) }
        #expect(throws: (any Error).self) { try StateOptions.parse(["--timeout", "0s"]) }
    }

    @Test func stackedEtcdUsesThisNodesClientCertificateAndTheAdvertiseAddress() throws {
        var settings = ClusterSettings(kubernetesDir: URL(fileURLWithPath: "/etc/kubernetes"))
        settings.advertiseAddress = "10.0.0.10"
        let options = try StateOptions.parse(["--store", "etcd://", "--timeout", "3s"])
        let etcd = try #require(
            try options.location(try DirectoryOptions.parse([]), settings, policy: TestSupport.policy("kubeadm")).etcd)
        #expect(etcd.endpoints == ["10.0.0.10:2379"])
        #expect(etcd.caFile == "/etc/kubernetes/pki/etcd/ca.crt")
        #expect(etcd.certFile == "/etc/kubernetes/pki/clusterpki-etcd-client.crt")
        #expect(etcd.keyFile == "/etc/kubernetes/pki/clusterpki-etcd-client.key")
        #expect(etcd.prefix == "/clusterpki/")
        #expect(etcd.deadline == .seconds(3))
        let explicit = try StateOptions.parse([
            "--store", "etcd://127.0.0.1:2379,127.0.0.2:2379", "--etcd-prefix", "/pki/", "--ca-file", "/e/ca.crt",
            "--cert-file", "/e/c.crt", "--key-file", "/e/c.key",
        ])
        let chosen = try #require(try explicit.location(try DirectoryOptions.parse([]), settings).etcd)
        #expect(chosen.endpoints == ["127.0.0.1:2379", "127.0.0.2:2379"])
        #expect([chosen.caFile, chosen.certFile, chosen.keyFile] == ["/e/ca.crt", "/e/c.crt", "/e/c.key"])
        #expect(chosen.prefix == "/pki/")
    }

    /// kubeadm's `etcd.external` from --config: its endpoints and files, unless flags say otherwise.
    @Test func externalEtcdComesFromTheConfigAndFlagsOverrideIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let config = directory.url.appendingPathComponent("kubeadm.yaml")
        try Data(
            """
            apiVersion: kubeadm.k8s.io/v1beta4
            kind: ClusterConfiguration
            etcd:
              external:
                endpoints: ["https://10.0.0.21:2379", "https://10.0.0.22:2379"]
                caFile: /etc/etcd/ca.crt
                certFile: /etc/etcd/client.crt
                keyFile: /etc/etcd/client.key
            """.utf8
        ).write(to: config)
        let settings = try ClusterSettings.layered(kubernetesDir: directory.url, configFile: config)
        let fromConfig = try #require(
            try StateOptions.parse(["--store", "etcd://"]).location(try DirectoryOptions.parse([]), settings).etcd)
        #expect(fromConfig.endpoints == ["https://10.0.0.21:2379", "https://10.0.0.22:2379"])
        #expect(
            [fromConfig.caFile, fromConfig.certFile, fromConfig.keyFile] == [
                "/etc/etcd/ca.crt", "/etc/etcd/client.crt", "/etc/etcd/client.key",
            ])
        let overridden = try #require(
            try StateOptions.parse([
                "--store", "etcd://10.9.9.9:2379", "--cert-file", "/mine.crt", "--key-file", "/mine.key",
            ])
            .location(try DirectoryOptions.parse([]), settings).etcd)
        #expect(overridden.endpoints == ["10.9.9.9:2379"])
        #expect(
            [overridden.caFile, overridden.certFile, overridden.keyFile] == [
                "/etc/etcd/ca.crt", "/mine.crt", "/mine.key",
            ])
    }
}

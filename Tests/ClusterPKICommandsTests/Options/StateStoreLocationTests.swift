import ClusterPKITesting
import Foundation
import Testing

@testable import ClusterPKICommands

/// The one way commands open the state store: the key beside the certificates, nothing created unless asked.
@Suite struct StateStoreLocationTests {
    @Test func keyIsInThePKIDirectoryOfTheKubernetesDir() {
        let location = StateStoreLocation(db: "/x/state.db", kubernetesDir: URL(fileURLWithPath: "/etc/kubernetes"))
        #expect(location.keyURL.path == "/etc/kubernetes/pki/clusterpki-state.key")
    }

    @Test func openIfPresentCreatesNothing() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = StateStoreLocation(db: directory.path("state/state.db"), kubernetesDir: directory.url)
        #expect(try location.openIfPresent() == nil)
        #expect(try location.open(creating: false) == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.path("state/state.db")))
        #expect(!FileManager.default.fileExists(atPath: location.keyURL.path))
    }

    @Test func openCreatesTheDatabaseAndItsKeyOnce() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = StateStoreLocation(db: directory.path("state.db"), kubernetesDir: directory.url)
        _ = try location.open()
        let key = try Data(contentsOf: location.keyURL)
        #expect(try location.openIfPresent() != nil)
        #expect(try location.open(creating: true) != nil)
        #expect(try Data(contentsOf: location.keyURL) == key)
    }

    /// `token` commands and every other command agree on where the key is.
    @Test func tokenOptionsAndStateOptionsOpenTheSameStore() throws {
        let tokens = try TokenStoreOptions.parse(["--db", "/x/state.db", "--kubernetes-dir", "/k"])
        let state = try StateOptions.parse(["--db", "/x/state.db"])
        #expect(tokens.location.keyURL == state.location(kubernetesDir: URL(fileURLWithPath: "/k")).keyURL)
        #expect(tokens.location.db == state.location(kubernetesDir: URL(fileURLWithPath: "/k")).db)
    }
}

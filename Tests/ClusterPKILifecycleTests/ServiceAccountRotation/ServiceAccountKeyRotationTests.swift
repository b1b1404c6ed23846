import ClusterPKICore
import ClusterPKIKubeconfig
import ClusterPKISQLiteStore
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing
import X509

@testable import ClusterPKILifecycle

@Suite struct ServiceAccountKeyRotationTests {
    static func setUp() async throws -> (TestCluster, SQLiteStateStore, ServiceAccountKeyRotation) {
        let cluster = try TestCluster.empty()
        try await cluster.makeCertificates(["sa"])
        let store = try cluster.ledger()
        return (cluster, store, ServiceAccountKeyRotation(context: cluster.context, store: store, actor: "root"))
    }

    static func keys(_ cluster: TestCluster) throws -> (
        key: PrivateKeyMaterial, pub: [Certificate.PublicKey], pubText: String
    ) {
        let key = try #require(try cluster.context.directory.readKey("sa"))
        let text = try cluster.read("pki/sa.pub")
        return (key, try PublicKeyBundle.parse(text, path: "sa.pub"), text)
    }

    @Test func prepareThenFinishRotatesTheKeyAndEachPhaseIsSafeToRepeat() async throws {
        let (cluster, store, rotation) = try await Self.setUp()
        let original = try Self.keys(cluster)
        #expect(original.pub == [original.key.publicKey])

        _ = try await rotation.run(.prepare)
        let prepared = try Self.keys(cluster)
        #expect(prepared.key.publicKey != original.key.publicKey)
        #expect(prepared.pub == [prepared.key.publicKey, original.key.publicKey])
        #expect(prepared.pubText.components(separatedBy: "-----BEGIN PUBLIC KEY-----").count == 3)
        #expect(try TestSupportModes.mode(cluster.url("pki/sa.key")) == 0o600)
        #expect(try await store.rotationPhase("sa")?.phase == "prepared")

        let again = try await rotation.run(.prepare)
        #expect(again[0].contains("already"))
        #expect(try cluster.read("pki/sa.pub") == prepared.pubText)
        #expect(try cluster.read("pki/sa.key") == (try prepared.key.pemString()))

        _ = try await rotation.run(.finish)
        let finished = try Self.keys(cluster)
        #expect(finished.pub == [prepared.key.publicKey])
        #expect(try cluster.read("pki/sa.key") == (try prepared.key.pemString()))
        #expect(try await store.rotationPhase("sa")?.phase == "finished")
        let events = try await store.auditEvents(limit: nil).filter { $0.action == .rotationPhase }.count

        let finishAgain = try await rotation.run(.finish)
        #expect(finishAgain[0].contains("nothing to finish"))
        #expect(try cluster.read("pki/sa.pub") == finished.pubText)
        #expect(try await store.auditEvents(limit: nil).filter { $0.action == .rotationPhase }.count == events)

        let status = try await ServiceAccountKeyRotation.status(context: cluster.context, store: store)
        #expect(
            status.verificationKeys == [PublicKeyBundle.fingerprint(prepared.key.publicKey)] && status.state == "idle")
    }

    @Test func aCrashAfterTheFilesButBeforeTheDatabaseIsRecordedOnReRun() async throws {
        let (cluster, store, rotation) = try await Self.setUp()
        let original = try Self.keys(cluster)
        // prepare's write completed, then the process died before recording the phase.
        let new = try PrivateKeyMaterial.generate(.ecdsaP256)
        var transaction = FileTransaction()
        transaction.write(try new.pemString(), to: "sa.key", mode: 0o600)
        transaction.write(
            try PublicKeyBundle.encode([new.publicKey, original.key.publicKey]), to: "sa.pub", mode: 0o600)
        try transaction.commit(in: cluster.context.directory.root)
        #expect(try await store.rotationPhase("sa") == nil)

        _ = try await rotation.run(.prepare)
        #expect(try Self.keys(cluster).pub == [new.publicKey, original.key.publicKey])  // no third key, the old one kept
        #expect(try await store.rotationPhase("sa")?.phase == "prepared")

        // finish's write completed, then the process died: the re-run records it.
        try PublicKeyBundle.encode([new.publicKey]).write(
            to: cluster.url("pki/sa.pub"), atomically: true, encoding: .utf8)
        _ = try await rotation.run(.finish)
        #expect(try await store.rotationPhase("sa")?.phase == "finished")
    }

    @Test func finishWithoutPrepareChangesNothingAndForeignFilesAreRefused() async throws {
        let (cluster, store, rotation) = try await Self.setUp()
        let before = try cluster.read("pki/sa.pub")
        _ = try await rotation.run(.finish)
        #expect(try cluster.read("pki/sa.pub") == before)
        #expect(try await store.rotationPhase("sa") == nil)

        let foreign = try PrivateKeyMaterial.generate(.ecdsaP256)
        try PublicKeyBundle.encode([foreign.publicKey]).write(
            to: cluster.url("pki/sa.pub"), atomically: true, encoding: .utf8)
        let refused = RotationError.signingKeyNotFirstInBundle(
            keyPath: cluster.context.directory.url("sa", "key").path,
            bundlePath: cluster.context.directory.url("sa", "pub").path)
        await #expect(throws: refused) { try await rotation.run(.prepare) }
        await #expect(throws: refused) { try await rotation.run(.finish) }
    }
}

enum TestSupportModes {
    static func mode(_ url: URL) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as! NSNumber).intValue
    }
}

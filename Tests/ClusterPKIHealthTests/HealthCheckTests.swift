import ClusterPKIAPI
import ClusterPKICore
import ClusterPKIHealth
import ClusterPKILifecycle
import ClusterPKIStore
import ClusterPKITesting
import Foundation
import Testing

/// The health model over real trees: fresh, aged, broken.
@Suite struct HealthCheckTests {
    @Test func freshTreeIsAllOk() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let report = try await NodeTree.make(root).health()
            #expect(report.problems == [])
            #expect(report.worst == .ok)
            #expect(Set(report.findings.map(\.area)) == Set(HealthArea.allCases).subtracting([.store]))
            // Every CA, leaf and kubeconfig of the kubeadm policy (stacked etcd), valid and not due.
            #expect(report.certificates.count == 3 + 7 + 5)
            #expect(report.certificates.allSatisfy { $0.state == .valid })
            #expect(report.rotations.map(\.subject).sorted() == ["ca", "etcd-ca", "front-proxy-ca", "sa"])
            #expect(report.rotations.allSatisfy { !$0.inProgress })
        }
    }

    @Test func treeAged400DaysHasExpiredLeavesAndKubeconfigs() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let report = await tree.health(at: TestSupport.start + 400 * TestSupport.day)
            #expect(report.worst == .critical)
            let expired = Set(report.findings(in: .expiry).filter { $0.severity == .critical }.map(\.subject))
            #expect(
                expired == [
                    "apiserver", "apiserver-etcd-client", "apiserver-kubelet-client", "etcd-healthcheck-client",
                    "etcd-peer", "etcd-server",
                    "front-proxy-client", "admin.conf", "super-admin.conf", "kubelet.conf", "controller-manager.conf",
                    "scheduler.conf",
                ])
            let apiserver = try #require(report.finding(.expiry, "apiserver"))
            #expect(apiserver.message == "expired on Jan 01, 2026 00:00 UTC (35d ago)")
            #expect(
                apiserver.fix == "clusterpki certs renew apiserver --kubernetes-dir \(root.path) --db \(tree.database)")
            #expect(
                report.finding(.expiry, "admin.conf")?.fix
                    == "clusterpki certs renew admin.conf --kubernetes-dir \(root.path) --db \(tree.database)")
            // This node holds ca.key: it writes its kubelet.conf afresh; a worker joins again.
            #expect(
                report.finding(.expiry, "kubelet.conf")?.fix
                    == "move kubelet.conf aside, then clusterpki kubeconfig generate kubelet --kubernetes-dir \(root.path) --db \(tree.database)"
            )
            try FileManager.default.removeItem(at: tree.context.directory.url("ca", "key"))
            let worker = await tree.health(at: TestSupport.start + 400 * TestSupport.day)
            #expect(
                worker.finding(.expiry, "kubelet.conf")?.fix?.hasPrefix("join this node again: clusterpki token create")
                    == true)
            // The CAs have years left; the rotate report of day one is old.
            #expect(
                report.findings(in: .expiry).allSatisfy { !["ca", "etcd-ca", "front-proxy-ca"].contains($0.subject) })
            #expect(report.finding(.rotateReport, tree.rotateReport.path)?.severity == .warning)
            #expect(report.certificates.first { $0.name == "apiserver" }?.state == .expired)
        }
    }

    @Test func certificateInsideTheRenewalWindowIsAWarning() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            // One-year leaves: the window is the last 30 days (a third of a year is more than maxWindow 720h).
            let report = await tree.health(at: TestSupport.start + 340 * TestSupport.day)
            let apiserver = try #require(report.finding(.expiry, "apiserver"))
            #expect(apiserver.severity == .warning)
            #expect(apiserver.message.contains("inside the renewal window (1/3 of its lifetime, at most 720h"))
            #expect(report.certificates.first { $0.name == "apiserver" }?.state == .due)
            #expect(report.worst == .warning)
        }
    }

    @Test func brokenModesNameTheChmod() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let key = tree.context.directory.url("apiserver", "key")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o755], ofItemAtPath: tree.context.directory.root.path)
            try FileManager.default.setAttributes(
                [.posixPermissions: 0o640], ofItemAtPath: root.appendingPathComponent("admin.conf").path)
            let report = await tree.health()
            #expect(
                report.problems == [
                    "file-modes error admin.conf", "file-modes error pki/apiserver.key", "file-modes warning pki",
                ])
            #expect(report.finding(.fileModes, "pki/apiserver.key")?.fix == "chmod 600 \(key.path)")
            #expect(report.finding(.fileModes, "pki")?.fix == "chmod 700 \(tree.context.directory.root.path)")
            #expect(report.worst == .error)
        }
    }

    @Test func mismatchedKeyAndMissingSANAreFound() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            // Another key for front-proxy-client; an apiserver certificate made for another advertise address.
            try Data(try PrivateKeyMaterial.generate(.ecdsaP256).pemString().utf8).write(
                to: tree.context.directory.url("front-proxy-client", "key"))
            var moved = tree.context
            moved.settings.advertiseAddress = "10.0.0.99"
            let report = await HealthCheck(
                context: moved, state: .opened(tree.store, database: tree.database, key: tree.keyURL.path),
                rotateReport: tree.rotateReport,
                settingsSource: "--config kubeadm.yaml"
            ).run()
            let key = try #require(report.finding(.certificates, "front-proxy-client"))
            #expect(key.severity == .critical)
            #expect(key.message == "pki/front-proxy-client.key does not match pki/front-proxy-client.crt")
            #expect(key.fix == "clusterpki certs renew front-proxy-client")
            let san = try #require(report.finding(.certificates, "apiserver"))
            #expect(
                san.message == "pki/apiserver.crt does not cover IP address 10.0.0.99 (SANs from --config kubeadm.yaml)"
            )
            #expect(
                san.fix
                    == "move pki/apiserver.crt and pki/apiserver.key aside, then clusterpki certs generate apiserver")
            // The kubeconfigs on the local endpoint now point elsewhere than the settings say.
            #expect(report.finding(.kubeconfigs, "controller-manager.conf")?.severity == .warning)
        }
    }

    @Test func wrongOrMissingStateKeyIsCritical() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let mismatch = await tree.health(
                state: .unusable(database: tree.database, key: tree.keyURL.path, error: .storeKeyMismatch))
            #expect(mismatch.finding(.state, tree.database)?.severity == .critical)
            #expect(
                mismatch.finding(.state, tree.database)?.message
                    == "the key \(tree.keyURL.path) does not belong to this database")
            let missing = await tree.health(state: .keyMissing(database: tree.database, key: tree.keyURL.path))
            #expect(missing.finding(.state, tree.database)?.severity == .critical)
            let absent = await tree.health(state: .absent(database: tree.database))
            #expect(absent.finding(.state, tree.database)?.severity == .info)
            #expect(absent.worst == .info)
        }
    }

    @Test func tokensWithoutExpiryOrNearItAreReported() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let tree = try await NodeTree.make(root)
            let forever = try BootstrapTokenString(parsing: "aaaaaa.0123456789abcdef")
            let soon = try BootstrapTokenString(parsing: "bbbbbb.0123456789abcdef")
            _ = try await tree.store.createToken(
                TokenRequest(token: forever, ttl: 0), actor: "test", now: TestSupport.start)
            _ = try await tree.store.createToken(
                TokenRequest(token: soon, ttl: 1800), actor: "test", now: TestSupport.start)
            let report = await tree.health()
            #expect(report.finding(.tokens, "token aaaaaa")?.severity == .warning)
            #expect(
                report.finding(.tokens, "token bbbbbb")?.message == "expires in 30m; nodes joining later need a new one"
            )
            let json = try report.json()
            #expect(!json.contains("0123456789abcdef"))
            // Looking a year later reports no token, and deletes none (nor audits a deletion): the doctor only reads.
            let later = await tree.health(at: TestSupport.start + 365 * TestSupport.day)
            #expect(later.findings(in: .tokens).map(\.severity) == [.warning])  // the one without expiry
            #expect(try await tree.store.listTokens(now: .distantPast).count == 2)
            #expect(try await tree.store.auditEvents(limit: nil).allSatisfy { $0.action != .tokenExpired })
        }
    }

    @Test func reportIsVersionedJSON() async throws {
        try await TestSupport.withTemporaryDirectory { root in
            let report = try await NodeTree.make(root).health()
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
            #expect(object["kind"] as? String == "HealthReport")
            #expect(object["apiVersion"] as? String == "clusterpki.io/v1alpha1")
            #expect(object["worst"] as? String == "ok")
            #expect((object["findings"] as? [[String: Any]])?.first?["area"] as? String == "certificates")
        }
    }
}

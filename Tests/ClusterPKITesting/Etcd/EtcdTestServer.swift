import ClusterPKICore
import ClusterPKIEtcdStore
import ClusterPKIStore
import Foundation

/// Debian's `etcd` on 127.0.0.1 with free ports, a temporary data dir and mTLS, with certificates made by
/// clusterpki's own CA core (`etcd/ca`, `etcd/server`, `apiserver-etcd-client`); stopped by its PID.
// `Process` is not Sendable; this object only starts it, and stops it once, from the scope that started it.
public final class EtcdTestServer: @unchecked Sendable {
    /// Debian's etcd; `CLUSTERPKI_ETCD` points elsewhere.
    public static let executable = ProcessInfo.processInfo.environment["CLUSTERPKI_ETCD"] ?? "/usr/bin/etcd"

    public let root: URL
    public let clientPort: Int
    public let process: Process
    public var pki: URL { root.appendingPathComponent("kubernetes/pki") }
    public var endpoint: String { "127.0.0.1:\(clientPort)" }

    private init(root: URL, clientPort: Int, process: Process) {
        self.root = root
        self.clientPort = clientPort
        self.process = process
    }

    /// Starts a member and waits until it answers over mTLS; fails clearly when etcd is not installed.
    public static func start() async throws -> EtcdTestServer {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestFailure(
                "\(executable) is not installed: the etcd store tests need a real etcd. Run `apt-get install etcd-server` (scripts/test.sh does)"
            )
        }
        let root = try TemporaryDirectory(prefix: "clusterpki-etcd").url
        try await makeCertificates(kubernetesDir: root.appendingPathComponent("kubernetes"))
        let (clientPort, peerPort) = (try freePort(), try freePort())
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        let pki = root.appendingPathComponent("kubernetes/pki/etcd").path
        process.arguments = [
            "--name", "test", "--data-dir", root.appendingPathComponent("data").path,
            "--listen-client-urls", "https://127.0.0.1:\(clientPort)", "--advertise-client-urls",
            "https://127.0.0.1:\(clientPort)",
            "--listen-peer-urls", "http://127.0.0.1:\(peerPort)", "--initial-advertise-peer-urls",
            "http://127.0.0.1:\(peerPort)",
            "--initial-cluster", "test=http://127.0.0.1:\(peerPort)",
            "--client-cert-auth", "--trusted-ca-file", "\(pki)/ca.crt", "--cert-file", "\(pki)/server.crt",
            "--key-file", "\(pki)/server.key",
            "--logger", "zap", "--log-outputs", root.appendingPathComponent("etcd.log").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let server = EtcdTestServer(root: root, clientPort: clientPort, process: process)
        do {
            try await server.waitUntilReady()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// The `etcd/ca`, `etcd/server` and `apiserver-etcd-client` pairs, signed in process by `CertsPhase`.
    private static func makeCertificates(kubernetesDir: URL) async throws {
        var settings = ClusterSettings(kubernetesDir: kubernetesDir)
        settings.nodeName = "etcd-test"
        settings.advertiseAddress = "127.0.0.1"
        settings.encryptionAlgorithm = .ecdsaP256
        let context = TreeContext(policy: try TestSupport.policy("kubeadm"), settings: settings)
        _ = try await CertsPhase(context: context).generate(["etcd-ca", "etcd-server", "apiserver-etcd-client"])
    }

    /// A client of this member (or of `endpoints`), with the `apiserver-etcd-client` certificate unless told otherwise.
    /// The per-call deadline is generous: `swift test` starts every suite at once on a 2-core machine, and the first
    /// seconds of CPU-bound fixtures (key generation) can hold the cooperative pool the gRPC client also runs on.
    /// Tests that measure the deadline pass their own.
    public func configuration(
        endpoints: [String]? = nil, prefix: String, deadline: Duration = .seconds(30), clientCertificate: Bool = true
    ) -> EtcdConfiguration {
        EtcdConfiguration(
            endpoints: endpoints ?? [endpoint], caFile: pki.appendingPathComponent("etcd/ca.crt").path,
            certFile: clientCertificate ? pki.appendingPathComponent("apiserver-etcd-client.crt").path : nil,
            keyFile: clientCertificate ? pki.appendingPathComponent("apiserver-etcd-client.key").path : nil,
            prefix: prefix, deadline: deadline)
    }

    private func waitUntilReady() async throws {
        // A generous per-call deadline and overall bound: on a loaded 2-core machine, where every etcd suite starts its
        // member at once, a 1 s TLS handshake + first RPC can time out attempt after attempt.
        let client = try EtcdClient(configuration: configuration(prefix: "/clusterpki-probe/", deadline: .seconds(5)))
        defer { Task { await client.close() } }
        let clock = ContinuousClock()
        let giveUp = clock.now.advanced(by: .seconds(90))
        var lastError: (any Error)?
        while clock.now < giveUp {
            guard process.isRunning else {
                throw TestFailure("etcd exited with status \(process.terminationStatus); see \(root.path)/etcd.log")
            }
            do {
                _ = try await client.get("/clusterpki-probe/ready")
                return
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        throw TestFailure("etcd did not answer within 90 s: \(lastError.map { "\($0)" } ?? "-")")
    }

    /// Runs Debian's `etcdctl` (API v3, its default) against this member over mTLS and returns its standard output.
    public func etcdctl(_ arguments: [String]) throws -> String {
        let (status, output) = try run(
            "/usr/bin/etcdctl",
            [
                "--endpoints", "https://\(endpoint)", "--cacert", pki.appendingPathComponent("etcd/ca.crt").path,
                "--cert", pki.appendingPathComponent("apiserver-etcd-client.crt").path,
                "--key", pki.appendingPathComponent("apiserver-etcd-client.key").path,
            ] + arguments)
        guard status == 0 else {
            throw TestFailure("etcdctl \(arguments.joined(separator: " ")) exited with \(status)")
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Freezes the member (SIGSTOP): it accepts connections but answers nothing, as a member without quorum.
    public func pause() { kill(process.processIdentifier, SIGSTOP) }

    /// Lets a paused member answer again (SIGCONT).
    public func resume() { kill(process.processIdentifier, SIGCONT) }

    /// Stops the member by its PID and removes its files.
    public func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: root)
    }

    /// A port nobody listens on now (bound to port 0 and closed again).
    public static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else { throw TestFailure("bind: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// A failure of the test setup, with what to do about it.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

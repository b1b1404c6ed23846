import ClusterPKICore
import Crypto
import Foundation
import Testing
import X509

/// Shared helpers for the core tests: shipped policies, temporary directories, directory snapshots, openssl.
public enum TestSupport {
    /// The repository root, found from this file's location (Tests/ClusterPKITesting/TestSupport.swift).
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func policyURL(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("policies").appendingPathComponent(name + ".yaml")
    }

    public static func policy(_ name: String) throws -> PKIPolicy {
        try PKIPolicy(contentsOf: policyURL(name))
    }

    public static func policyText(_ name: String) throws -> String {
        try String(contentsOf: policyURL(name), encoding: .utf8)
    }

    /// A fixed start time: 2025-01-01T00:00:00Z.
    public static let start = Date(timeIntervalSince1970: 1_735_689_600)

    public static let hour: TimeInterval = 3600
    public static let day: TimeInterval = 86400

    /// Settings for a test cluster rooted at `kubernetesDir` (certificates in `pki/`), ECDSA-P256 unless told otherwise.
    public static func settings(_ kubernetesDir: URL, algorithm: KeyAlgorithm? = .ecdsaP256) -> ClusterSettings {
        var settings = ClusterSettings(kubernetesDir: kubernetesDir)
        settings.nodeName = "cp-1"
        settings.advertiseAddress = "10.0.0.10"
        settings.encryptionAlgorithm = algorithm
        return settings
    }

    /// A tree context rooted at `root` at ``start``: the settings above, `policy` from the repository.
    public static func context(_ root: URL, policy: String = "kubeadm", now: Date = start) throws -> TreeContext {
        TreeContext(policy: try Self.policy(policy), settings: settings(root), now: now)
    }

    /// The whole tree made by the certs phase at ``start`` under `root`.
    public static func tree(_ root: URL, policy: String = "kubeadm") async throws -> TreeContext {
        let context = try context(root, policy: policy)
        try await CertsPhase(context: context).generate(["all"])
        return context
    }

    /// `context` seen at another time.
    public static func at(_ context: TreeContext, _ now: Date) -> TreeContext {
        TreeContext(policy: context.policy, settings: context.settings, now: now)
    }

    /// A fresh empty directory, removed after `body`.
    public static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        return try await body(directory.url)
    }

    /// Every entry under `root` (hidden ones too): relative path → "d <mode>" or "f <mode> <sha256>".
    public static func snapshot(_ root: URL) throws -> [String: String] {
        var result: [String: String] = [:]
        guard FileManager.default.fileExists(atPath: root.path) else { return result }
        let enumerator = FileManager.default.enumerator(atPath: root.path)!
        while let relative = enumerator.nextObject() as? String {
            let path = root.appendingPathComponent(relative).path
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            let mode = String((attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1, radix: 8)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                result[relative] = "d \(mode)"
            } else {
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                result[relative] = "f \(mode) \(SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined())"
            }
        }
        return result
    }

    public static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as! NSNumber).intValue
    }

    public static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    public static func certificate(_ url: URL) throws -> Certificate {
        try #require(try PEMCertificates.parse(read(url), path: url.path).first)
    }

    public static func key(_ url: URL) throws -> PrivateKeyMaterial {
        try PrivateKeyMaterial(pemEncoded: read(url), path: url.path)
    }

    /// Runs `/usr/bin/openssl` with `arguments`; returns stdout, or throws with stderr on failure. openssl is a required
    /// test peer (`scripts/test.sh` installs it): a missing binary fails the test rather than skipping it.
    @discardableResult
    public static func openssl(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw OpenSSLFailure(arguments: arguments, stderr: String(decoding: errors, as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }

    public struct OpenSSLFailure: Error, CustomStringConvertible {
        public let arguments: [String]
        public let stderr: String
        public var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(stderr)" }
    }
}

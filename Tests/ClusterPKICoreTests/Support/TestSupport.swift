import ClusterPKICore
import Crypto
import Foundation
import Testing
import X509

/// Shared helpers for the core tests: shipped policies, temporary directories, directory snapshots, openssl.
enum TestSupport {
    /// The repository root, found from this file's location (Tests/ClusterPKICoreTests/Support/TestSupport.swift).
    static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func policyURL(_ name: String) -> URL {
        repositoryRoot.appendingPathComponent("policies").appendingPathComponent(name + ".yaml")
    }

    static func policy(_ name: String) throws -> PKIPolicy {
        try PKIPolicy(contentsOf: policyURL(name))
    }

    static func policyText(_ name: String) throws -> String {
        try String(contentsOf: policyURL(name), encoding: .utf8)
    }

    /// A fixed start time: 2025-01-01T00:00:00Z.
    static let start = Date(timeIntervalSince1970: 1_735_689_600)

    static let hour: TimeInterval = 3600
    static let day: TimeInterval = 86400

    /// Settings for a test cluster rooted at `kubernetesDir` (certificates in `pki/`), ECDSA-P256 unless told otherwise.
    static func settings(_ kubernetesDir: URL, algorithm: KeyAlgorithm? = .ecdsaP256) -> ClusterSettings {
        var settings = ClusterSettings(kubernetesDir: kubernetesDir)
        settings.nodeName = "cp-1"
        settings.advertiseAddress = "10.0.0.10"
        settings.encryptionAlgorithm = algorithm
        return settings
    }

    /// A fresh empty directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("clusterpki-coretests-" + UUID().uuidString.lowercased())
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url.resolvingSymlinksInPath())
    }

    /// Every entry under `root` (hidden ones too): relative path → "d <mode>" or "f <mode> <sha256>".
    static func snapshot(_ root: URL) throws -> [String: String] {
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

    static func mode(_ url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as! NSNumber).intValue
    }

    static func read(_ url: URL) throws -> String {
        try String(contentsOf: url, encoding: .utf8)
    }

    static func certificate(_ url: URL) throws -> Certificate {
        try #require(try PEMCertificates.parse(read(url), path: url.path).first)
    }

    static func key(_ url: URL) throws -> PrivateKeyMaterial {
        try PrivateKeyMaterial(pemEncoded: read(url), path: url.path)
    }

    /// Runs `/usr/bin/openssl` with `arguments`; returns stdout, or throws with stderr on failure.
    @discardableResult
    static func openssl(_ arguments: [String]) throws -> String {
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

    static var hasOpenSSL: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    struct OpenSSLFailure: Error, CustomStringConvertible {
        let arguments: [String]
        let stderr: String
        var description: String { "openssl \(arguments.joined(separator: " ")) failed: \(stderr)" }
    }
}

extension Certificate {
    /// DNS SANs in certificate order.
    var dnsSANs: [String] {
        ((try? extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { if case .dnsName(let dns) = $0 { return dns }; return nil }
        } ?? []
    }

    /// IP SANs in certificate order, as text.
    var ipSANs: [String] {
        ((try? extensions.subjectAlternativeNames) ?? nil).map { names in
            names.compactMap { name -> String? in
                if case .ipAddress(let octets) = name { return IPAddress(octets: Array(octets.bytes))?.description }
                return nil
            }
        } ?? []
    }

    var extKeyUsages: [ExtendedKeyUsage.Usage] {
        ((try? extensions.extendedKeyUsage) ?? nil).map { Array($0) } ?? []
    }

    var keyUsageBits: KeyUsage? { (try? extensions.keyUsage) ?? nil }

    var commonName: String { subject.kubernetesIdentity.commonName }
    var organizations: [String] { subject.kubernetesIdentity.organizations }
}

import ClusterPKICore
import Foundation
import X509

/// Phase `kubeconfig`: writes admin.conf, super-admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf.
/// Inputs: ``TreeContext`` (the cluster CA with its key in the certificate dir). Outputs: kubeconfig files (0600) in
/// the kubernetes dir, committed at once.
///
/// An existing file is kept when its current cluster trusts the current CA and is an error otherwise (spec 2.3);
/// nothing is written when any file is in error.
public struct KubeconfigPhase: Sendable {
    public let context: TreeContext

    public init(context: TreeContext) { self.context = context }

    /// The names `generate` accepts: `all` and each file without `.conf`.
    public func knownNames() throws -> [String] { ["all"] + (try context.kubeconfigSpecs().map(\.phaseName)) }

    /// Generates `names` (`all`, `admin`, `kubelet`, ...) and returns kubeadm's `[kubeconfig]` lines.
    /// Each new client certificate is recorded (the ledger) before its file is written, so none escapes revocation;
    /// the recorder is made only once all checks passed and something is to be minted.
    @discardableResult
    public func generate(
        _ names: [String], recorder: (@Sendable () async throws -> any CredentialRecording)? = nil,
        output: @Sendable (String) -> Void = { _ in }
    ) async throws -> [String] {
        let specs = try resolve(names)
        let caProfile = try context.clusterCAProfile
        guard context.directory.exists(caProfile.baseName, "crt") else {
            throw KubeconfigError.missingCA(path: context.directory.url(caProfile.baseName, "crt").path)
        }
        let kubernetesDir = context.settings.kubernetesDir
        return try await context.directory.withExclusiveLock(create: false) {
            try FileTransaction.recover(in: kubernetesDir)
            let authority = try context.clusterAuthority()
            let caPEM = try PEMCertificates.encode([authority.certificate])
            var lines = ["[kubeconfig] Using kubeconfig folder \"\(kubernetesDir.path)\""]
            var missing: [KubeconfigSpec] = []
            for spec in specs {
                let url = kubernetesDir.appendingPathComponent(spec.file)
                if let existing = try KubeconfigDocument.load(url) {
                    lines += try Self.validateExisting(existing, caPEM: caPEM, expectedServer: spec.server)
                    lines.append("[kubeconfig] Using existing kubeconfig file: \"\(url.path)\"")
                } else {
                    missing.append(spec)
                }
            }
            if !missing.isEmpty && authority.isExternal {
                throw KubeconfigError.externalCA(
                    keyPath: context.directory.url(caProfile.baseName, "key").path, files: missing.map(\.file))
            }
            let keys = try await PrivateKeyMaterial.generateConcurrently(missing.map { _ in context.keyAlgorithm })
            let recorder = missing.isEmpty ? nil : try await recorder?()
            var transaction = FileTransaction()
            var written: [String] = []
            for (spec, key) in zip(missing, keys) {
                let request = context.clientRequest(
                    commonName: spec.commonName, organizations: spec.organizations, key: key,
                    notAfter: context.leafNotAfter(nil))
                let certificate = try authority.sign(request, publicKey: key.publicKey)
                try await recorder?.record(certificate)
                let config = KubeConfig(
                    clusterName: spec.clusterName, server: spec.server, caPEM: caPEM, userName: spec.userName,
                    user: .certificate(pem: try PEMCertificates.encode([certificate]), keyPEM: try key.pemString()))
                transaction.write(try config.yaml(), to: spec.file, mode: 0o600)
                written.append("[kubeconfig] Writing \"\(spec.file)\" kubeconfig file")
            }
            try transaction.commit(in: kubernetesDir)
            lines += written
            lines.forEach(output)
            return lines
        }
    }

    func resolve(_ names: [String]) throws -> [KubeconfigSpec] {
        let specs = try context.kubeconfigSpecs()
        if names.isEmpty || names.contains("all") { return specs }
        let known = specs.map(\.phaseName)
        for name in names where !known.contains(name) && !specs.contains(where: { $0.file == name }) {
            throw KubeconfigError.unknownKubeconfig(name, known: ["all"] + known)
        }
        return specs.filter { names.contains($0.phaseName) || names.contains($0.file) }
    }

    /// Spec 2.3: the current cluster must trust the current CA; a different server is only a warning.
    static func validateExisting(_ document: KubeconfigDocument, caPEM: String, expectedServer: String) throws
        -> [String]
    {
        let embedded: String
        if let pem = try document.pem(.certificateAuthorityData) {
            embedded = pem
        } else if let file = document.certificateAuthorityFile {
            guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8)
            else {
                throw KubeconfigError.notAKubeconfig(
                    path: document.path, detail: "its certificate-authority file \(file) cannot be read")
            }
            embedded = text
        } else {
            throw KubeconfigError.notAKubeconfig(
                path: document.path, detail: "its current cluster has no certificate-authority-data")
        }
        guard
            embedded.trimmingCharacters(in: .whitespacesAndNewlines)
                == caPEM.trimmingCharacters(in: .whitespacesAndNewlines)
        else {
            throw KubeconfigError.wrongCA(path: document.path)
        }
        if let server = document.server, server != expectedServer {
            return [
                "[kubeconfig] WARNING: a kubeconfig file \"\(document.path)\" exists already but has an unexpected API Server URL: expected: \(expectedServer), got: \(server)"
            ]
        }
        return []
    }
}

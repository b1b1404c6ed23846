import Foundation

// LEAD: wire this to the PKI core. It should take the server of admin.conf's current cluster (parsed with the
// kubeconfig module) and the discovery hash of every certificate in pki/ca.crt (the core's SPKI SHA-256). Until then
// it scans admin.conf for the first `server:` line and hashes ca.crt with openssl, the shell equivalent from spec 3.

/// The `clusterpki join` and `kubeadm join` lines that `token create --print-join-command` prints.
func joinCommandLines(token: String, certificateKey: String?, kubernetesDir: String) throws -> [String] {
    let kubeconfig = URL(fileURLWithPath: kubernetesDir).appendingPathComponent("admin.conf")
    guard let text = try? String(contentsOf: kubeconfig, encoding: .utf8) else {
        throw TokenCommandError(message: "cannot read \(kubeconfig.path); run `clusterpki init` (or `clusterpki kubeconfig generate admin`) first")
    }
    guard
        let serverLine = text.split(separator: "\n").first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("server:") })
    else { throw TokenCommandError(message: "\(kubeconfig.path) has no cluster server; regenerate it with `clusterpki kubeconfig generate admin`") }
    let server = serverLine.split(separator: ":", maxSplits: 1)[1].trimmingCharacters(in: .whitespaces)
    let endpoint = server.hasPrefix("https://") ? String(server.dropFirst("https://".count)) : server
    let caPath = URL(fileURLWithPath: kubernetesDir).appendingPathComponent("pki/ca.crt").path
    let hash = try discoveryHash(caPath: caPath)
    var flags = "\(endpoint) --token \(token) --discovery-token-ca-cert-hash \(hash)"
    if let certificateKey { flags += " --control-plane --certificate-key \(certificateKey)" }
    return ["clusterpki join \(flags)", "kubeadm join \(flags)"]
}

/// `sha256:<hex>` over the CA's SubjectPublicKeyInfo (temporary: via openssl until the core is wired in).
private func discoveryHash(caPath: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", "openssl x509 -pubkey -noout -in \"$1\" | openssl pkey -pubin -outform der | openssl dgst -sha256 -hex", "sh", caPath]
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0, let hex = output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines),
        hex.count == 64
    else { throw TokenCommandError(message: "cannot hash the CA certificate \(caPath); run `clusterpki certs generate` first") }
    return "sha256:\(hex)"
}

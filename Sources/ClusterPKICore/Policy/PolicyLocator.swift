import Foundation

/// Finds a policy by path, or by name (`kubeadm`, `hardened`) in the usual places and then in the binary itself.
public enum PolicyLocator {
    public static let defaultName = "kubeadm"

    /// The system directories searched after `$CLUSTERPKI_POLICY_DIR`.
    public static let systemDirectories = ["/etc/clusterpki/policies", "/usr/share/clusterpki/policies"]

    /// Search order for a name: `$CLUSTERPKI_POLICY_DIR`, `/etc/clusterpki/policies`,
    /// `/usr/share/clusterpki/policies`, `<executable>/../share/clusterpki/policies` (`scripts/install.sh PREFIX`),
    /// `policies/` above the executable (a source checkout), `./policies`; then the copy compiled in
    /// (``EmbeddedPolicies``), so a file on disk always overrides the built-in one.
    public static func locate(_ nameOrPath: String?) throws -> PolicySource {
        try locate(
            nameOrPath, environment: ProcessInfo.processInfo.environment,
            executable: Bundle.main.executableURL?.resolvingSymlinksInPath(),
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }

    /// ``locate(_:)`` with the process's surroundings passed in (for tests).
    public static func locate(
        _ nameOrPath: String?, environment: [String: String], executable: URL? = nil, currentDirectory: URL,
        systemDirectories: [String] = systemDirectories
    ) throws -> PolicySource {
        let value = nameOrPath ?? defaultName
        if value.contains("/") || value.hasSuffix(".yaml") || value.hasSuffix(".yml") {
            let url = URL(fileURLWithPath: value)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw PKIError.policy(
                    field: value,
                    problem: "no such file; pass an existing policy file or a policy name (kubeadm, hardened)")
            }
            return .file(url)
        }
        let directories = searchDirectories(
            environment: environment, executable: executable, currentDirectory: currentDirectory,
            systemDirectories: systemDirectories)
        let candidates = directories.map { $0.appendingPathComponent(value + ".yaml") }
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) {
            return .file(found)
        }
        if EmbeddedPolicies.text(named: value) != nil { return .embedded(name: value) }
        throw PKIError.policy(
            field: value,
            problem:
                "no policy named \(value) in \(directories.map(\.path).joined(separator: ", ")) nor built in (\(EmbeddedPolicies.names.joined(separator: ", "))); pass --policy FILE or set CLUSTERPKI_POLICY_DIR"
        )
    }

    static func searchDirectories(
        environment: [String: String], executable: URL?, currentDirectory: URL, systemDirectories: [String]
    ) -> [URL] {
        var directories: [URL] = []
        if let dir = environment["CLUSTERPKI_POLICY_DIR"] { directories.append(URL(fileURLWithPath: dir)) }
        directories += systemDirectories.map { URL(fileURLWithPath: $0) }
        if let executable {
            var directory = executable.deletingLastPathComponent()
            directories.append(
                directory.deletingLastPathComponent().appendingPathComponent("share/clusterpki/policies"))
            while directory.path != "/" {
                directories.append(directory.appendingPathComponent("policies"))
                directory = directory.deletingLastPathComponent()
            }
        }
        directories.append(currentDirectory.appendingPathComponent("policies"))
        return directories
    }
}
